using DataBuild.Model;

namespace DataBuild.Graph;

/// <summary>
/// The nodes of one build: the target runs of the requested closure, materialized into nodes (one per partition,
/// joined to their upstream nodes) as their partitions become known, and the nodes whose upstream has finished.
/// </summary>
public sealed class BuildGraph
{
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<string, TargetRun> _targets = new(StringComparer.Ordinal);
    private readonly List<TargetRun> _targetOrder = [];

    /// <summary>Every node so far, by index; grows as targets materialize.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>The target runs, upstream before downstream.</summary>
    public IReadOnlyList<TargetRun> Targets => _targetOrder;

    /// <summary>A static target's partitions when already evaluated for this build (by the up-to-date snapshot's check); null to evaluate them.</summary>
    public Func<TargetSpec, List<PartitionKey>?>? KnownPartitions { get; init; }

    /// <summary>Nodes whose upstream nodes have all finished, for the scheduler to take.</summary>
    public List<int> Ready { get; } = [];

    /// <summary>
    /// Marks a node finished for its dependents (those with nothing else to wait for become ready) and its target;
    /// true when that target has no unfinished node left, so that targets waiting for it may materialize.
    /// </summary>
    public bool Finish(Node node)
    {
        if (node.FirstDependent >= 0 && --_nodes[node.FirstDependent].WaitingOn == 0) Ready.Add(node.FirstDependent);
        if (node.MoreDependents is { } more)
            foreach (var i in more)
                if (--_nodes[i].WaitingOn == 0) Ready.Add(i);
        return --_targets[node.Target.Name].Unfinished == 0;
    }

    /// <summary>Creates the target runs of the requested closure with the partition filters that reach them.</summary>
    public void SetUpTargets(PipelineModel model, IReadOnlyList<NodeSelector> selectors)
    {
        var (order, filters) = TargetSelection.Resolve(model, selectors);
        foreach (var spec in order)
        {
            var run = new TargetRun(spec) { Filters = filters[spec.Name] };
            _targets[spec.Name] = run;
            _targetOrder.Add(run);
        }
    }

    /// <summary>
    /// Materializes every target whose upstream targets are known (and, for dynamic ones, whose source is finished):
    /// its nodes, joined to their upstream nodes; <paramref name="discover"/> gives the partitions a finished source
    /// node yields, <paramref name="materialized"/> hears of each target materialized or found unavailable.
    /// </summary>
    public void Materialize(Func<TargetRun, Node, IEnumerable<PartitionKey>> discover, Action<TargetRun> materialized)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var t in _targetOrder)
                if (!t.Materialized && t.Unavailable is null && TryMaterialize(t, discover, materialized)) changed = true;
        }
    }

    private bool TryMaterialize(TargetRun t, Func<TargetRun, Node, IEnumerable<PartitionKey>> discover, Action<TargetRun> materialized)
    {
        foreach (var upName in t.Spec.UpstreamNames())
        {
            var up = _targets[upName];
            if (up.Unavailable is not null)
            {
                // Name the root cause, not the chain: "waits for Features (partitions known after Quads[field=296] is built)".
                t.RootCause = up.RootCause ?? up;
                t.Unavailable = $"waits for {t.RootCause.Name} ({t.RootCause.Unavailable})";
                t.PendingDiscovery = up.PendingDiscovery;
                materialized(t);
                return true;
            }
            if (!up.Materialized) return false;
        }
        IEnumerable<PartitionKey> keys;
        if (t.Spec.DynamicSource is { } sourceName)
        {
            var source = _targets[sourceName];
            if (source.Unfinished > 0) return false;
            var sourceNodes = source.Nodes.Select(i => _nodes[i]).ToList();
            if (sourceNodes.FirstOrDefault(n => n.State is NodeState.Failed or NodeState.Blocked) is { } failed)
            {
                t.Unavailable = $"partitions unknown: {failed.Name} failed";
                materialized(t);
                return true;
            }
            if (sourceNodes.FirstOrDefault(n => n.State == NodeState.WouldRun) is { } pending)
            {
                t.Unavailable = $"partitions known after {pending.Name} is built";
                t.PendingDiscovery = true;
                materialized(t);
                return true;
            }
            var found = new List<PartitionKey>();
            foreach (var n in sourceNodes)
            {
                try
                {
                    found.AddRange(discover(t, n));
                }
                catch (DiscoveryException e)
                {
                    // One unreadable source: its partitions are unknown and the build fails, but the other sources' partitions go on.
                    t.DiscoveryErrors.Add(e.Message);
                }
            }
            keys = found;
        }
        else
        {
            keys = KnownPartitions?.Invoke(t.Spec) ?? TargetSelection.StaticPartitions(t.Spec, t.Filters);
        }
        if (t.Spec.DynamicSource is not null && t.Filters is { Count: > 0 } filters) keys = keys.Where(k => filters.Any(k.Matches));
        if (keys is ICollection<PartitionKey> known)
        {
            // Sized once: growing them a doubling at a time copies and discards most of what a large target allocates.
            _nodes.EnsureCapacity(_nodes.Count + known.Count);
            Ready.EnsureCapacity(Ready.Count + known.Count);
            t.Nodes.EnsureCapacity(known.Count);
            t.ByKey.EnsureCapacity(known.Count);
        }
        foreach (var key in keys)
        {
            if (!t.ByKey.TryAdd(key, _nodes.Count)) continue;
            if (t.Nodes.Count == 0) t.Dimensions = key.Names.ToArray();
            else if (!key.HasNames(t.Dimensions))
                throw new InvalidOperationException(
                    $"Target {t.Name} has partitions with different dimensions: [{string.Join(",", t.Dimensions)}] and [{string.Join(",", key.Names)}]. All partitions of a target must have the same dimensions.");
            var node = new Node(_nodes.Count, t.Spec, key);
            _nodes.Add(node);
            t.Nodes.Add(node.Index);
        }
        t.Unfinished = t.Nodes.Count;
        t.Materialized = true;
        foreach (var index in t.Nodes) ResolveDependencies(_nodes[index]);
        materialized(t);
        return true;
    }

    private void ResolveDependencies(Node node)
    {
        var deps = node.Target.Dependencies.Count == 0 ? [] : new int[node.Target.Dependencies.Count][];
        for (var d = 0; d < deps.Length; d++)
        {
            var spec = node.Target.Dependencies[d];
            var up = _targets[spec.Target];
            if (spec.UpstreamOf is { } map)
            {
                var list = new List<int>();
                try
                {
                    foreach (var key in map(node.Partition))
                    {
                        if (up.ByKey.TryGetValue(key, out var i)) list.Add(i);
                        else node.Error ??= $"{node.Name} depends on {up.Name}[{key}], which is not a partition of {up.Name}" +
                            (up.Filters is { Count: > 0 } ? " in this build (a partition filter excluded it)." : ".");
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Pipeline code mapping this partition to its upstream ones: this node fails, the others go on.
                    node.Error ??= $"mapping its dependency on {up.Name} failed: {e.Message}";
                }
                deps[d] = list.ToArray();
            }
            else
            {
                var common = up.Dimensions.Where(node.Partition.Has).ToList();
                var indexKey = string.Join(",", common);
                if (!up.JoinIndexes.TryGetValue(indexKey, out var index))
                {
                    index = [];
                    // Neighbouring partitions mostly share the joined dimensions (the quads of one ccd): a key is
                    // projected only when they change, not once per upstream node.
                    PartitionKey? last = null;
                    List<int>? bucket = null;
                    foreach (var i in up.Nodes)
                    {
                        var partition = _nodes[i].Partition;
                        if (last is null || !partition.AgreesOn(common, last))
                        {
                            var projected = partition.Project(common);
                            if (!index.TryGetValue(projected, out bucket)) index[projected] = bucket = [];
                            last = partition;
                        }
                        bucket!.Add(i);
                    }
                    up.JoinIndexes[indexKey] = index;
                }
                deps[d] = index.TryGetValue(node.Partition.Project(common), out var matches) ? matches.ToArray() : [];
            }
        }
        node.Dependencies = deps;
        var all = node.AllDependencies;
        var waiting = 0;
        for (var d = 0; d < all.Length; d++)
        {
            var i = all[d];
            _nodes[i].AddDependent(node.Index);
            if (!_nodes[i].IsFinished) waiting++;
        }
        node.WaitingOn = waiting;
        if (node.WaitingOn == 0) Ready.Add(node.Index);
    }
}

/// <summary>A dynamic target's discovery function failed on one source node.</summary>
public sealed class DiscoveryException(string message, Exception inner) : Exception(message, inner);

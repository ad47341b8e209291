using DataBuild.Graph;
using DataBuild.Model;

namespace DataBuild.Scheduling;

public sealed partial class BuildSession
{
    /// <summary>Creates the target runs of the requested closure with the partition filters that reach them.</summary>
    private void SetUpTargets()
    {
        var (order, filters) = TargetSelection.Resolve(_model, _options.Selectors);
        foreach (var spec in order)
        {
            var run = new TargetRun(spec) { Filters = filters[spec.Name] };
            _targets[spec.Name] = run;
            _targetOrder.Add(run);
        }
    }

    /// <summary>Materializes every target whose upstream targets are known (and, for dynamic ones, whose source is finished).</summary>
    private void MaterializeWhatWeCan()
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var t in _targetOrder)
                if (!t.Materialized && t.Unavailable is null && TryMaterialize(t)) changed = true;
        }
    }

    private bool TryMaterialize(TargetRun t)
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
                _reporter.Materialized(t);
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
                _reporter.Materialized(t);
                return true;
            }
            if (sourceNodes.FirstOrDefault(n => n.State == NodeState.WouldRun) is { } pending)
            {
                t.Unavailable = $"partitions known after {pending.Name} is built";
                t.PendingDiscovery = true;
                _reporter.Materialized(t);
                return true;
            }
            try
            {
                keys = sourceNodes.SelectMany(n => Discover(t, n)).ToList();
            }
            catch (DiscoveryException e)
            {
                t.Unavailable = e.Message;
                _reporter.Materialized(t);
                return true;
            }
        }
        else
        {
            keys = TargetSelection.StaticPartitions(t.Spec, t.Filters);
        }
        if (t.Spec.DynamicSource is not null && t.Filters is { Count: > 0 } filters) keys = keys.Where(k => filters.Any(k.Matches));
        foreach (var key in keys)
        {
            if (t.ByKey.ContainsKey(key)) continue;
            if (t.Nodes.Count == 0) t.Dimensions = key.Names.ToArray();
            else if (!key.HasNames(t.Dimensions))
                throw new InvalidOperationException(
                    $"Target {t.Name} has partitions with different dimensions: [{string.Join(",", t.Dimensions)}] and [{string.Join(",", key.Names)}]. All partitions of a target must have the same dimensions.");
            var node = new Node(_nodes.Count, t.Spec, key);
            _nodes.Add(node);
            _nodeIndex[node.Name] = node.Index;
            t.ByKey[key] = node.Index;
            t.Nodes.Add(node.Index);
        }
        t.Unfinished = t.Nodes.Count;
        t.Materialized = true;
        foreach (var index in t.Nodes) ResolveDependencies(_nodes[index]);
        _reporter.Materialized(t);
        return true;
    }

    private void ResolveDependencies(Node node)
    {
        var deps = new int[node.Target.Dependencies.Count][];
        for (var d = 0; d < deps.Length; d++)
        {
            var spec = node.Target.Dependencies[d];
            var up = _targets[spec.Target];
            if (spec.UpstreamOf is { } map)
            {
                var list = new List<int>();
                foreach (var key in map(node.Partition))
                {
                    if (up.ByKey.TryGetValue(key, out var i)) list.Add(i);
                    else node.Error ??= $"{node.Name} depends on {up.Name}[{key}], which is not a partition of {up.Name}" +
                        (up.Filters is { Count: > 0 } ? " in this build (a partition filter excluded it)." : ".");
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
                    foreach (var i in up.Nodes)
                    {
                        var projected = _nodes[i].Partition.Project(common);
                        if (!index.TryGetValue(projected, out var bucket)) index[projected] = bucket = [];
                        bucket.Add(i);
                    }
                    up.JoinIndexes[indexKey] = index;
                }
                deps[d] = index.TryGetValue(node.Partition.Project(common), out var matches) ? matches.ToArray() : [];
            }
        }
        node.Dependencies = deps;
        var all = node.AllDependencies;
        var waiting = 0;
        foreach (var i in all)
        {
            (_nodes[i].Dependents ??= []).Add(node.Index);
            if (!_nodes[i].IsFinished) waiting++;
        }
        node.WaitingOn = waiting;
        if (node.WaitingOn == 0) _ready.Add(node.Index);
    }

    /// <summary>The partitions a finished source node yields, read once per source output hash and cached in the state.</summary>
    private IEnumerable<PartitionKey> Discover(TargetRun target, Node source)
    {
        var cached = _state.LoadPartitions(target.Name, source.Name, source.OutputHash);
        if (cached is not null)
            return cached.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(PartitionKey.Parse).ToList();
        var outputs = source.OutputPaths().ToDictionary(o => o.Name, o => o.Path);
        List<PartitionKey> keys;
        try
        {
            keys = target.Spec.Discover!(new PartitionSource(source.Partition, outputs, _workspace.FileSystem.FullPath))
                .Select(k => source.Partition.With(k)).ToList();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A pipeline's discovery code reading a bad product: the target is unavailable, the build fails, and
            // the message says which source to look at.
            throw new DiscoveryException($"discovering the partitions of {target.Name} from {source.Name} failed: {e.Message}", e);
        }
        if (!_options.Plan) _state.SavePartitions(target.Name, source.Name, source.OutputHash, string.Join("\n", keys));
        return keys;
    }
}

/// <summary>A dynamic target's discovery function failed on one source node.</summary>
public sealed class DiscoveryException(string message, Exception inner) : Exception(message, inner);

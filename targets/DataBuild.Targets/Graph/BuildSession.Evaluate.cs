using DataBuild.Hashing;
using DataBuild.Planning;
using DataBuild.State;

namespace DataBuild.Graph;

public sealed partial class BuildSession
{
    private const int ParallelThreshold = 32;

    /// <summary>
    /// Decides every ready node: up to date, stale (queued with reasons), blocked or failed. Hashing and stat calls
    /// run in parallel; decisions, which read the state, run in order. Finishing nodes may make more ready.
    /// </summary>
    private void EvaluateReady()
    {
        while (_ready.Count > 0)
        {
            var batch = _ready.ToArray();
            _ready.Clear();
            var probes = new Probe[batch.Length];
            if (batch.Length >= ParallelThreshold)
                Parallel.For(0, batch.Length, i => probes[i] = ProbeNode(_nodes[batch[i]]));
            else
                for (var i = 0; i < batch.Length; i++) probes[i] = ProbeNode(_nodes[batch[i]]);
            for (var i = 0; i < batch.Length; i++) Decide(_nodes[batch[i]], probes[i]);
        }
    }

    private readonly record struct Probe(string? Error, (string Path, Hash128? Hash)[]? Outputs);

    private Probe ProbeNode(Node node)
    {
        if (node.Error is not null) return new Probe(node.Error, null);
        foreach (var d in node.AllDependencies)
            if (_nodes[d].State is NodeState.Failed or NodeState.Blocked or NodeState.WouldRun) return default;
        if (node.Target.Task is null) return default;
        try
        {
            node.Signature = _signatures.Build(node, _nodes);
            var outputs = node.OutputPaths().Select(o => (o.Path, _hasher.Hash(o.Path))).ToArray();
            return new Probe(null, outputs);
        }
        catch (Exception e) when (e is MissingInputException or InvalidOperationException or IOException or Execution.ProcessStartException)
        {
            return new Probe(e.Message, null);
        }
    }

    private void Decide(Node node, Probe probe)
    {
        if (probe.Error is not null)
        {
            node.State = NodeState.Failed;
            node.Error = probe.Error;
            if (!_options.KeepGoing && !_options.Plan) _stopDispatch = true;
            Checked(node);
            return;
        }
        var upstream = node.AllDependencies.Select(d => _nodes[d]).ToList();
        if (upstream.FirstOrDefault(u => u.State is NodeState.Failed or NodeState.Blocked) is { } failed)
        {
            node.State = NodeState.Blocked;
            node.Error = $"upstream {failed.Name} {(failed.State == NodeState.Failed ? "failed" : "was not built")}";
            Checked(node);
            return;
        }
        var pending = upstream.Where(u => u.State == NodeState.WouldRun).ToList();
        if (pending.Count > 0)
        {
            node.Reasons = pending.Take(3).Select(u => (Reason)new UpstreamChanged(u.Name, Pending: true))
                .Concat(pending.Count > 3 ? [new UpstreamChanged($"... and {pending.Count - 3} more", Pending: true)] : []).ToList();
            node.State = NodeState.WouldRun;
            Checked(node);
            return;
        }
        if (node.Target.Task is null)
        {
            // An aggregate target without a task: done when its upstream is, and its "output" is theirs.
            var builder = new HashBuilder().Add("aggregate");
            foreach (var u in upstream) builder.Add(u.Name).Add(u.OutputHash);
            node.OutputHash = builder.Build();
            node.State = NodeState.UpToDate;
            Checked(node);
            return;
        }
        var reasons = Reasons(node, probe.Outputs!, out var currentOutputHash);
        if (reasons.Count == 0)
        {
            node.OutputHash = currentOutputHash;
            node.State = NodeState.UpToDate;
            Checked(node);
            return;
        }
        node.Reasons = reasons;
        if (_options.Plan)
        {
            node.State = NodeState.WouldRun;
            Checked(node);
            return;
        }
        node.State = NodeState.Queued;
        node.Attempt = 1;
        Checked(node);
        Queue(node);
    }

    /// <summary>Why <paramref name="node"/> must be built; empty when it is up to date.</summary>
    private List<Reason> Reasons(Node node, (string Path, Hash128? Hash)[] outputs, out Hash128 currentOutputHash)
    {
        var reasons = new List<Reason>();
        var names = node.Target.Outputs;
        currentOutputHash = FileHasher.CombineOutputs(outputs.Select((o, i) => (names[i].Name, o.Hash ?? Hash128.Empty)));
        foreach (var (path, hash) in outputs)
            if (hash is null) reasons.Add(new OutputMissing(path));
        var record = _records.GetValueOrDefault(node.Name);
        if (node.Target.BuildOnlyWhenMissing)
        {
            // Source data: present means current, and a hand edit is new data for dependents, not damage to undo.
            if (reasons.Count == 0) return reasons;
            return record?.GoodBuild is null ? [new NeverBuilt()] : reasons;
        }
        if (record?.GoodBuild is not { } goodBuild) return [new NeverBuilt()];
        BuildRecord? build = null;
        if (reasons.Count == 0 && currentOutputHash != record.OutputHash)
        {
            build = LoadBuild(goodBuild);
            foreach (var (path, hash) in outputs)
            {
                var recorded = build?.Outputs.FirstOrDefault(o => o.Path == path);
                if (recorded is null || recorded.Hash != hash) reasons.Add(new OutputModified(path));
            }
            if (reasons.Count == 0) reasons.Add(new OutputModified(string.Join(", ", outputs.Select(o => o.Path))));
        }
        if (node.Signature!.Key != record.TaskKey)
        {
            build ??= LoadBuild(goodBuild);
            var diff = build is null ? [] : Explainer.Diff(build.Inputs, node.Signature.Entries, target => ChangedUpstream(node, target, goodBuild));
            reasons.AddRange(diff.Count > 0 ? diff : [new CommandChanged("(recorded task key)", "(a different task key)")]);
        }
        return reasons;
    }

    /// <summary>Upstream nodes of <paramref name="target"/> whose outputs changed after <paramref name="sinceBuild"/>.</summary>
    private IEnumerable<string> ChangedUpstream(Node node, string target, long sinceBuild)
    {
        var d = node.Target.Dependencies.ToList().FindIndex(x => x.Target == target);
        if (d < 0) yield break;
        foreach (var i in node.Dependencies[d])
        {
            var up = _nodes[i];
            if (up.State == NodeState.Built && up.OutputChanged) yield return up.Name;
            else if (_records.GetValueOrDefault(up.Name)?.GoodBuild is { } g && g > sinceBuild) yield return up.Name;
        }
    }

    private void Queue(Node node)
    {
        var group = node.Target.Resources.Group ?? "";
        if (!_queued.TryGetValue(group, out var queue)) _queued[group] = queue = new Queue<int>();
        queue.Enqueue(node.Index);
    }

    private void Checked(Node node)
    {
        _reporter.Checked(node);
        if (node.IsFinished) Finish(node);
    }

    /// <summary>Marks a node finished for its dependents and its target; may make nodes ready and targets materializable.</summary>
    private void Finish(Node node)
    {
        if (node.Dependents is { } dependents)
            foreach (var i in dependents)
                if (--_nodes[i].WaitingOn == 0) _ready.Add(i);
        var target = _targets[node.Target.Name];
        if (--target.Unfinished == 0) MaterializeWhatWeCan();
    }
}

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
            Diagnostics.Timings.Mark("probed", batch.Length);
            for (var i = 0; i < batch.Length; i++) Decide(_nodes[batch[i]], probes[i]);
            Diagnostics.Timings.Mark("decided", batch.Length);
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
            node.Declared = node.Signature.Declared;
            var paths = node.OutputPaths();
            var outputs = new (string Path, Hash128? Hash)[paths.Count];
            for (var i = 0; i < outputs.Length; i++) outputs[i] = (paths[i].Path, _hasher.Hash(paths[i].Path));
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
        var upstream = node.AllDependencies;
        List<Node>? pending = null;
        foreach (var u in upstream)
        {
            var up = _nodes[u];
            if (up.State is NodeState.Failed or NodeState.Blocked)
            {
                node.State = NodeState.Blocked;
                node.Error = $"upstream {up.Name} {(up.State == NodeState.Failed ? "failed" : "was not built")}";
                Checked(node);
                return;
            }
            if (up.State == NodeState.WouldRun) (pending ??= []).Add(up);
        }
        if (pending is not null)
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
            foreach (var u in upstream) builder.Add(_nodes[u].Name).Add(_nodes[u].OutputHash);
            node.OutputHash = builder.Build();
            node.State = NodeState.UpToDate;
            Checked(node);
            return;
        }
        node.TaskKey = node.Signature!.Key;
        var reasons = Reasons(node, probe.Outputs!, out var currentOutputHash);
        if (reasons.Count == 0)
        {
            node.OutputHash = currentOutputHash;
            node.Signature = null; // only stale nodes need theirs (to run and record); a million up-to-date ones must not keep it
            node.State = NodeState.UpToDate;
            Checked(node);
            return;
        }
        node.Reasons = reasons;
        if (_options.Plan)
        {
            node.Signature = null; // a plan never runs it
            node.State = NodeState.WouldRun;
            Checked(node);
            return;
        }
        node.State = NodeState.Queued;
        node.Attempt = 1;
        Checked(node);
        Queue(node);
    }

    // Shared: in a first build or plan every node gives this one reason, and a million lists of it would be garbage.
    private static readonly List<Reason> NeverBuiltReasons = [new NeverBuilt()];

    /// <summary>Why <paramref name="node"/> must be built; empty when it is up to date.</summary>
    private List<Reason> Reasons(Node node, (string Path, Hash128? Hash)[] outputs, out Hash128 currentOutputHash)
    {
        var reasons = new List<Reason>();
        var names = node.Target.Outputs;
        var combined = FileHasher.OutputsBuilder(); // FileHasher.CombineOutputs, without an enumerator per node
        for (var i = 0; i < outputs.Length; i++)
        {
            FileHasher.AddOutput(combined, names[i].Name, outputs[i].Hash ?? Hash128.Empty);
            if (outputs[i].Hash is null) reasons.Add(new OutputMissing(outputs[i].Path));
        }
        currentOutputHash = combined.Build();
        var record = Records.GetValueOrDefault(node.Name);
        if (node.Target.BuildOnlyWhenMissing)
        {
            // Source data: present means current, and a hand edit is new data for dependents, not damage to undo.
            if (reasons.Count == 0) return reasons;
            return record?.GoodBuild is null ? NeverBuiltReasons : reasons;
        }
        if (record?.GoodBuild is not { } goodBuild) return NeverBuiltReasons;
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
        var d = SignatureBuilder.IndexOfDependency(node.Target, target);
        if (d < 0) yield break;
        foreach (var i in node.Dependencies[d])
        {
            var up = _nodes[i];
            if (up.State == NodeState.Built && up.OutputChanged) yield return up.Name;
            else if (Records.GetValueOrDefault(up.Name)?.GoodBuild is { } g && g > sinceBuild) yield return up.Name;
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

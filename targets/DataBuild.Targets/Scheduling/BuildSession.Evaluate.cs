using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Scheduling;

public sealed partial class BuildSession
{
    private const int ParallelThreshold = 32;

    /// <summary>
    /// Sorts every ready node: blocked or failed by its upstream, or checked (<see cref="UpToDateChecker"/>): up to
    /// date, or stale and queued with its reasons. Probes (hashing, stat calls) run in parallel; decisions run in order.
    /// Finishing nodes may make more ready.
    /// </summary>
    private void EvaluateReady()
    {
        var ready = _graph.Ready;
        while (ready.Count > 0)
        {
            var batch = ready.ToArray();
            ready.Clear();
            if (_options.Prior is { } prior)
            {
                // Nodes no change reaches keep their verdicts; only the rest are probed.
                var rest = new List<int>(batch.Length);
                foreach (var index in batch)
                    if (prior.TryKeep(_nodes[index], _nodes)) Checked(_nodes[index]);
                    else rest.Add(index);
                Diagnostics.Timings.Mark("kept their verdicts", batch.Length - rest.Count);
                batch = rest.ToArray();
            }
            // In chunks: a probe (signature, argv, output hashes) lives only until its node is decided, so a million
            // ready nodes do not hold a million probes at once. Nodes of one batch do not depend on each other.
            var probes = new Probe[Math.Min(batch.Length, ChunkSize)];
            for (var start = 0; start < batch.Length; start += ChunkSize)
                EvaluateChunk(batch.AsSpan(start, Math.Min(ChunkSize, batch.Length - start)), probes);
            Diagnostics.Timings.Mark("probed and decided", batch.Length);
        }
    }

    private const int ChunkSize = 8192;

    private void EvaluateChunk(ReadOnlySpan<int> chunk, Probe[] probes)
    {
        if (chunk.Length >= ParallelThreshold)
        {
            var indices = chunk.ToArray();
            Parallel.For(0, indices.Length, i => probes[i] = ProbeNode(_nodes[indices[i]]));
        }
        else
            for (var i = 0; i < chunk.Length; i++) probes[i] = ProbeNode(_nodes[chunk[i]]);
        for (var i = 0; i < chunk.Length; i++)
        {
            Decide(_nodes[chunk[i]], probes[i]);
            probes[i] = default;
        }
    }

    private Probe ProbeNode(Node node)
    {
        if (node.Error is not null) return new Probe(node.Error, null, null);
        foreach (var d in node.AllDependencies)
            if (_nodes[d].State is NodeState.Failed or NodeState.Blocked or NodeState.WouldRun) return default;
        if (node.Target.Task is null) return default;
        var probe = _check.Probe(node);
        if (probe.Signature is { } signature) node.Declared = signature.Declared;
        return probe;
    }

    private void Decide(Node node, Probe probe)
    {
        if (probe.Error is not null)
        {
            FailUnrun(node, probe.Error);
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
            _reasons[node.Index] = pending.Take(3).Select(u => (Reason)new UpstreamChanged(u.Name, Pending: true))
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
        node.TaskKey = probe.Signature!.Key;
        var reasons = _check.Reasons(node, probe, out var currentOutputHash);
        if (reasons.Count == 0)
        {
            node.OutputHash = currentOutputHash;
            node.State = NodeState.UpToDate;
            Checked(node);
            return;
        }
        _reasons[node.Index] = reasons;
        if (_options.Plan)
        {
            node.State = NodeState.WouldRun;
            Checked(node);
            return;
        }
        // Only stale nodes keep their signature (to run and record); a million up-to-date ones must not.
        _staleSignatures[node.Index] = probe.Signature;
        node.State = NodeState.Queued;
        node.Attempt = 1;
        Checked(node);
        Queue(node);
    }

    /// <summary>
    /// A node that fails before it runs (its inputs or declarations cannot be evaluated): reported as checked, and
    /// nothing more is dispatched unless -k (a plan still looks at everything).
    /// </summary>
    private void FailUnrun(Node node, string error)
    {
        node.State = NodeState.Failed;
        node.Error = error;
        if (!_options.KeepGoing && !_options.Plan) _stopDispatch = true;
        Checked(node);
    }

    private void Queue(Node node)
    {
        // One queue per concurrency group and rate limit: a node waiting for its limit's next start holds back no other.
        var group = node.Target.Resources.Group ?? "";
        if (node.Target.Resources.RateLimit is { } limit) group += "\u0001rate:" + limit.NameFor(node.Partition);
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
        if (node.State is NodeState.Built or NodeState.Failed) _progress?.NodeRan();
        if (_graph.Finish(node)) MaterializeWhatWeCan();
    }

    private void MaterializeWhatWeCan() => _graph.Materialize(Discover, target =>
    {
        _options.Prior?.Bind(target, _nodes);
        // An unreadable source counts as a failure: without -k nothing new starts, with -k the rest goes on.
        if (target.DiscoveryErrors.Count > 0 && !_options.KeepGoing && !_options.Plan) _stopDispatch = true;
        _reporter.Materialized(target);
    });
}

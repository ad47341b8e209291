using System.Globalization;
using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.Model;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Scheduling;

/// <summary>
/// One build (or plan) of the requested targets, scheduled: the graph (<see cref="BuildGraph"/>) materializes nodes
/// as their partitions become known; each node whose upstream has finished is checked (<see cref="UpToDateChecker"/>),
/// so a rebuilt upstream whose output hash did not change leaves dependents up to date (early cutoff); stale nodes
/// wait in their concurrency group's queue, go to the executor, and are retried as their target allows. Every result
/// is recorded in the state as it arrives, so rerunning after a crash repeats nothing that finished.
/// </summary>
public sealed partial class BuildSession
{
    private readonly PipelineModel _model;
    private readonly Workspace _workspace;
    private readonly StateStore _state;
    private readonly IExecutor? _executor;
    private readonly IBuildReporter _reporter;
    private readonly BuildOptions _options;
    private readonly UpToDateChecker _check;
    private readonly BuildGraph _graph;
    private readonly IReadOnlyList<Node> _nodes;
    // By node index: the reasons of stale (or, in a plan, would-run) nodes, and the signatures of those still to run
    // and record; null for the others, so that a million up-to-date nodes keep neither.
    private readonly NodeTable<IReadOnlyList<Reason>> _reasons = new();
    private readonly NodeTable<Signature> _staleSignatures = new();
    private readonly Dictionary<string, Queue<int>> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _groupRunning = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Invocation Invocation, int Node)> _running = new(StringComparer.Ordinal);
    // Retries waiting out their backoff (due time, node index), and the limits on task starts per second or minute.
    private readonly List<(TimeSpan Due, int Node)> _delayed = [];
    private readonly RateLimits _rateLimits = new();
    private readonly Random _jitter = new();
    private TimeSpan? _rateLimitedUntil;
    private long _runId;
    private TraceFile? _trace;
    private SamplesFile? _samples;
    private ProgressFile? _progress;
    private bool _stopDispatch;

    public BuildSession(PipelineModel model, Workspace workspace, StateStore state, IExecutor? executor, IBuildReporter reporter, BuildOptions options)
    {
        _model = model;
        _workspace = workspace;
        _state = state;
        _executor = executor;
        _reporter = reporter;
        _options = options;
        if (!options.Plan && executor is null) throw new ArgumentException("A build needs an executor; only a plan runs without one.");
        _graph = new BuildGraph { KnownPartitions = options.Prior is { } prior ? prior.TakePartitions : null };
        _nodes = _graph.Nodes;
        _check = new UpToDateChecker(state, workspace, _nodes, fewNodes: options.Prior is not null, plan: options.Plan);
    }

    public IReadOnlyList<Node> Nodes => _nodes;

    public IReadOnlyList<TargetRun> Targets => _graph.Targets;

    public FileHasher Hasher => _check.Hasher;

    public NodeRecord? RecordOf(string node) => _check.RecordOf(node);

    public BuildRecord? LoadBuild(long id) => _check.LoadBuild(id);

    public async Task<BuildOutcome> RunAsync(CancellationToken cancellation)
    {
        var started = _workspace.Clock.Elapsed;
        _graph.SetUpTargets(_model, _options.Selectors);
        if (!_options.Plan)
        {
            _runId = _state.BeginRun(_options.Command, _workspace.Clock.UtcNow);
            _trace = TraceFile.For(_workspace, _runId);
            _samples = SamplesFile.For(_workspace, _runId);
            _progress = new ProgressFile(_workspace, _runId, _options.Command, _executor!.Name, _graph.Targets, _nodes,
                _executor.Name == "local" ? () => [] : () => _state.OpenJobs().Select(j => j.JobId).ToList());
        }
        _executor?.Prepare(_runId);
        if (!_options.Plan)
            _executor?.Preflight(_graph.Targets.Where(t => t.Spec.Task is not null).Select(t => Invocations.Probe(t.Spec, _options.Scheduler)).ToList());
        Diagnostics.Timings.Mark("run begun");
        var cancelled = false;
        MaterializeWhatWeCan();
        Diagnostics.Timings.Mark("materialized");
        while (true)
        {
            if (cancellation.IsCancellationRequested && !cancelled)
            {
                // Ctrl-C: stop starting work, cancel what runs, and still record what comes back.
                cancelled = true;
                _stopDispatch = true;
                _executor?.CancelAll();
            }
            if (!_stopDispatch) ReleaseDueRetries();
            if (!_stopDispatch) EvaluateReady();
            if (!_stopDispatch) StartQueued();
            _progress?.Update();
            var wake = _stopDispatch ? null : NextWake();
            if (_executor is null || _executor.Running == 0)
            {
                if (_stopDispatch || (_graph.Ready.Count == 0 && _queued.Values.All(q => q.Count == 0) && _delayed.Count == 0)) break;
                if (wake is { } until) await SleepUntil(until, cancellation);
                continue;
            }
            _executor.Flush();
            IReadOnlyList<RunResult>? results;
            try
            {
                results = await WaitForResults(wake, cancelled ? CancellationToken.None : cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                continue; // the top of the loop cancels; the results still arrive
            }
            if (results is not null) HandleResults(results);
        }
        Diagnostics.Timings.Mark("evaluated and run");
        if (!_options.Plan)
        {
            _state.SaveFiles(Hasher.TakeUpdates());
            var result = cancelled ? "cancelled" : _nodes.Any(n => n.State == NodeState.Failed) ? "failed" : "succeeded";
            _state.EndRun(_runId, result, _workspace.Clock.UtcNow);
            _progress?.Update(result);
        }
        Diagnostics.Timings.Mark("run recorded");
        return new BuildOutcome(_nodes, _graph.Targets, cancelled, _workspace.Clock.Elapsed - started, Hasher.BytesRead) { RunId = _runId, Reasons = _reasons.Values };
    }

    /// <summary>When the loop must look again without a result: a retry's backoff ends, or a rate limit frees a start.</summary>
    private TimeSpan? NextWake()
    {
        TimeSpan? wake = _rateLimitedUntil;
        foreach (var (due, _) in _delayed) wake = wake is { } w && w <= due ? w : due;
        return wake;
    }

    private void ReleaseDueRetries()
    {
        var now = _workspace.Clock.Elapsed;
        for (var i = 0; i < _delayed.Count; i++)
        {
            if (_delayed[i].Due > now) continue;
            Queue(_nodes[_delayed[i].Node]);
            _delayed.RemoveAt(i--);
        }
    }

    private async Task SleepUntil(TimeSpan until, CancellationToken cancellation)
    {
        try
        {
            await _workspace.Clock.Delay(until - _workspace.Clock.Elapsed, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Ctrl-C: the top of the loop stops dispatch.
        }
    }

    /// <summary>The executor's next results, or null when <paramref name="wake"/> comes first.</summary>
    private async Task<IReadOnlyList<RunResult>?> WaitForResults(TimeSpan? wake, CancellationToken cancellation)
    {
        if (wake is not { } until) return await _executor!.WaitAsync(cancellation);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var stopDelay = new CancellationTokenSource();
        _ = _workspace.Clock.Delay(until - _workspace.Clock.Elapsed, stopDelay.Token).ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && !stopDelay.IsCancellationRequested) timer.Cancel();
        }, TaskContinuationOptions.ExecuteSynchronously);
        try
        {
            return await _executor!.WaitAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            stopDelay.Cancel();
        }
    }

    private void StartQueued()
    {
        _rateLimitedUntil = null;
        // Round-robin over concurrency groups so one capped group never holds back the others.
        var progress = true;
        while (progress)
        {
            progress = false;
            foreach (var queue in _queued.Values)
            {
                if (queue.Count == 0) continue;
                var node = _nodes[queue.Peek()];
                var group = node.Target.Resources.Group ?? "";
                var cap = node.Target.Resources.GroupCap;
                // A task wider than the whole cap still runs, alone in its group.
                var taken = _groupRunning.GetValueOrDefault(group);
                if (group.Length > 0 && cap > 0 && taken > 0 && taken + GroupWeight(node) > cap) continue;
                Invocation invocation;
                try
                {
                    invocation = Invocations.For(node, _nodes, _staleSignatures[node.Index]!, _workspace, _runId, _options.Scheduler);
                }
                catch (DeclarationException e)
                {
                    // A resource estimate of this node threw (it reads an input that is damaged): this node fails alone.
                    queue.Dequeue();
                    _staleSignatures[node.Index] = null;
                    FailUnrun(node, e.Message);
                    progress = true;
                    if (_stopDispatch) return;
                    continue;
                }
                // A job from a driver that died is still running this very task: wait for it rather than run it twice.
                var adopted = _executor!.TryAdopt(invocation);
                if (!adopted && !_executor.CanStart(invocation)) return;
                if (!adopted && !_executor.PacesRateLimits && node.Target.Resources.RateLimit is { } limit && _rateLimits.TryTake(limit, node.Partition, _workspace.Clock.Elapsed) is { } free)
                {
                    // This group waits for the limit's next free start; the other groups go on.
                    _rateLimitedUntil = _rateLimitedUntil is { } w && w <= free ? w : free;
                    continue;
                }
                queue.Dequeue();
                node.State = NodeState.Running;
                _progress?.NodeRan();
                if (group.Length > 0) _groupRunning[group] = _groupRunning.GetValueOrDefault(group) + GroupWeight(node);
                _running[node.Name] = (invocation, node.Index);
                _reporter.Started(node);
                if (!adopted)
                {
                    if (node.Attempt <= 1) _workspace.FileSystem.Delete(invocation.LogPath);
                    _executor.Start(invocation, node.Target.Task!);
                }
                progress = true;
            }
        }
    }

    /// <summary>What a running node takes of its concurrency group's cap: 1, or its cores when the cap counts cores.</summary>
    private static int GroupWeight(Node node) =>
        node.Target.Resources.GroupCapUnit == CapUnit.Cores ? Math.Max(1, node.Target.Resources.Cores) : 1;

    private void HandleResults(IReadOnlyList<RunResult> results)
    {
        var records = new List<BuildRecord>(results.Count);
        var rows = new List<string?[]>(results.Count);
        var finished = new List<(Node Node, RunResult Result)>();
        foreach (var result in results)
        {
            if (!_running.Remove(result.Node, out var running)) continue;
            var (invocation, node) = (running.Invocation, _nodes[running.Node]);
            if (node.Target.Resources.Group is { } group) _groupRunning[group] -= GroupWeight(node);
            if (result.Succeeded)
                foreach (var f in result.Files) Hasher.Remember(f.Path, f.Hash);
            records.Add(ToRecord(node, invocation, result));
            rows.Add(TraceRow(node, invocation, result));
            finished.Add((node, result));
        }
        if (records.Count > 0) _state.Record(records, Hasher.TakeUpdates());
        _trace?.Append(rows);
        if (_samples is not null)
        {
            var sampled = new RunResult[finished.Count];
            for (var i = 0; i < sampled.Length; i++) sampled[i] = finished[i].Result;
            _samples.Append(sampled);
        }
        for (var f = 0; f < finished.Count; f++)
        {
            var (node, result) = finished[f];
            if (result.Succeeded)
            {
                var previous = RecordOf(node.Name)?.OutputHash;
                node.OutputHash = records[f].OutputHash; // combined once, by ToRecord
                node.OutputChanged = previous != node.OutputHash;
                _staleSignatures[node.Index] = null; // recorded above
                node.State = NodeState.Built;
                _reporter.Finished(node, result, willRetry: false);
                Finish(node);
                continue;
            }
            var resources = node.Target.Resources;
            var retry = result.Status != BuildStatus.Cancelled && !_stopDispatch
                && (result.Retry is not null
                    || (node.Attempt - (node.Interruptions?.Count ?? 0) <= resources.Retries && RetryBackoff.Allows(resources, result.ExitCode)));
            _reporter.Finished(node, result, retry);
            if (retry)
            {
                node.Attempt++;
                if (result.InterruptedBy is { } interruption) (node.Interruptions ??= []).Add(interruption);
                node.MemoryMbOverride = result.Retry?.MemoryMb ?? node.MemoryMbOverride;
                node.WalltimeOverride = result.Retry?.Walltime ?? node.WalltimeOverride;
                node.State = NodeState.Queued;
                var backoff = result.Retry is null ? RetryBackoff.Before(resources, node.Attempt, _jitter) : TimeSpan.Zero;
                if (backoff > TimeSpan.Zero) _delayed.Add((_workspace.Clock.Elapsed + backoff, node.Index));
                else Queue(node);
                continue;
            }
            node.State = NodeState.Failed;
            _staleSignatures[node.Index] = null;
            node.Error = result.Message ?? StateStore.StatusName(result.Status);
            if (!_options.KeepGoing) _stopDispatch = true;
            Finish(node);
        }
    }

    private string?[] TraceRow(Node node, Invocation invocation, RunResult result) =>
    [
        node.Name, node.Target.Name, node.Partition.ToString(), invocation.Attempt.ToString(CultureInfo.InvariantCulture), _executor!.Name,
        result.Host, result.JobId, StateStore.StatusName(result.Status), result.ExitCode?.ToString(CultureInfo.InvariantCulture),
        result.StartedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), result.EndedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        TraceFile.Number(result.WallSeconds), TraceFile.Number(result.CpuSeconds), TraceFile.Number(result.PeakRssKb / 1024.0),
        invocation.Cores.ToString(CultureInfo.InvariantCulture), invocation.MemoryMb?.ToString(CultureInfo.InvariantCulture),
        invocation.Gpus.ToString(CultureInfo.InvariantCulture), TraceFile.Number(invocation.Walltime?.TotalSeconds),
        string.Join("; ", (_reasons[node.Index] ?? []).Select(r => r.Describe())), invocation.LogPath, result.Message,
    ];

    private BuildRecord ToRecord(Node node, Invocation invocation, RunResult result) => new()
    {
        Node = node.Name,
        Target = node.Target.Name,
        RunId = _runId,
        Status = result.Status,
        TaskKey = _staleSignatures[node.Index]!.Key,
        OutputHash = result.Succeeded ? FileHasher.CombineOutputs(result.Outputs) : Hash128.Empty,
        Inputs = _staleSignatures[node.Index]!.Entries,
        Outputs = result.Outputs,
        StartedAt = result.StartedAt,
        EndedAt = result.EndedAt,
        ExitCode = result.ExitCode,
        WallSeconds = result.WallSeconds,
        CpuSeconds = result.CpuSeconds,
        PeakRssKb = result.PeakRssKb,
        Host = result.Host,
        Executor = _executor!.Name,
        JobId = result.JobId,
        Attempt = invocation.Attempt,
        LogPath = invocation.LogPath,
        Message = result.Message ?? Invocations.Interruptions(node),
    };
}

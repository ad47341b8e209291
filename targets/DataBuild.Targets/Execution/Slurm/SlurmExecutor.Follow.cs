using System.Diagnostics;
using System.Globalization;
using System.Text;
using DataBuild.Model;
using DataBuild.Slurm;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Execution.Slurm;

public sealed partial class SlurmExecutor
{
    private readonly List<TrackedNode> _delivered = [];
    private readonly Stopwatch _sinceQueuePoll = new();
    private bool? _accounting;
    private bool _cancelling;

    /// <summary>squeue calls made; one per poll interval at most, whatever the number of jobs.</summary>
    public int QueuePolls { get; private set; }

    public async Task<IReadOnlyList<RunResult>> WaitAsync(CancellationToken cancellation)
    {
        SettleDelivered();
        while (true)
        {
            var results = TakeRefused();
            CollectResultFiles(results);
            if (_cancelling)
            {
                // Ours were scancelled: what finished is kept; the rest is reported cancelled now, not after the queue drains.
                foreach (var node in Outstanding().ToList()) results.Add(Deliver(node, node.Killed ?? Cancelled(node)));
            }
            else if (results.Count == 0 && (!_sinceQueuePoll.IsRunning || _sinceQueuePoll.Elapsed >= options.PollInterval))
            {
                await PollQueueAsync(results, cancellation);
                SubmitWhatFits();
            }
            if (results.Count > 0 || (Running == 0 && _unsubmitted.Count == 0)) return results;
            await Task.Delay(options.PollInterval < TimeSpan.FromSeconds(1) ? options.PollInterval : TimeSpan.FromSeconds(1), cancellation);
        }
    }

    public void CancelAll()
    {
        if (_cancelling) return;
        _cancelling = true;
        _unsubmitted.Clear();
        var ours = _arrays.Values.Where(a => a.Nodes.Any(n => !n.Done)).ToList();
        foreach (var a in ours) a.CancelledByUs = true;
        if (ours.Count == 0) return;
        var ids = ours.Select(a => a.JobId).ToList();
        options.Log?.Invoke($"cancelling our job arrays: scancel {string.Join(' ', ids)}");
        try
        {
            client.CancelAsync(ids).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SlurmCommandException or TimeoutException)
        {
            options.Log?.Invoke($"warning: {e.Message}");
        }
    }

    private IEnumerable<TrackedNode> Outstanding() => _arrays.Values.SelectMany(a => a.Nodes).Where(n => !n.Done);

    private void CollectResultFiles(List<RunResult> results)
    {
        // One directory listing per array rather than one stat per outstanding node each second (10k stats a second at 10k
        // nodes); delivered results are deleted, so a listing holds only what arrived since the last one.
        foreach (var array in _arrays.Values.Where(a => a.Nodes.Any(n => !n.Done)).ToList())
        {
            foreach (var name in fileSystem.ListFiles(array.Files.Results))
            {
                if (array.ByResultName.TryGetValue(name, out var node) && node is { Done: false, Killed: null })
                    CollectResultFile(node, results);
            }
        }
    }

    private void CollectResultFile(TrackedNode node, List<RunResult> results)
    {
        if (TryReadResult(node) is not { } result) return;
        if (IsStopped(result)) node.Killed = result;
        else results.Add(Deliver(node, result));
    }

    /// <summary>
    /// A result only Slurm can explain: the kernel's OOM killer takes the largest process of the job's cgroup, often the task
    /// under the worker, which lives to report "signal 9"; a worker sent SIGTERM (scancel, the time limit, the node going
    /// down) reports its nodes cancelled. Which it was, and whether to retry, is known once the array task ends.
    /// </summary>
    private static bool IsStopped(RunResult result) => result is { Succeeded: false, ExitCode: 128 + 9 } or { Status: BuildStatus.Cancelled };

    /// <summary>How a node held as stopped ended, once Slurm says how its array task ended.</summary>
    private RunResult Stopped(TrackedNode node, RunResult stopped, SlurmStateClass how, SlurmJobState state, string slurmSaid)
    {
        // A task Slurm requeued (its node went down) ran again after it was stopped: the new result replaces the old.
        if (TryReadResult(node) is { } newer && !IsStopped(newer)) return newer;
        if (stopped.Status == BuildStatus.Cancelled) return Ended(node, how, slurmSaid, Interruption(state));
        var memoryKill = how == SlurmStateClass.OutOfMemory || FailureSignature.MentionsMemoryKill(Tail(node.SlurmLog) ?? "");
        return memoryKill ? Ended(node, SlurmStateClass.OutOfMemory, $"{state}, the task killed by signal 9") : stopped;
    }

    private RunResult? TryReadResult(TrackedNode node)
    {
        if (fileSystem.Stat(node.ResultPath) is null) return null;
        try
        {
            node.ResultRead = true;
            return ArrayFiles.ReadResult(fileSystem, node.ResultPath) with { JobId = node.Task.ToString(), Attempt = node.Invocation.Attempt };
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            return Failure(node, $"FAILED: the result file {node.ResultPath} is unreadable ({e.Message}); Slurm log: {node.SlurmLog}; log: {node.Invocation.LogPath}");
        }
    }

    private RunResult Deliver(TrackedNode node, RunResult result)
    {
        node.Done = true;
        Running--;
        _delivered.Add(node);
        return result;
    }

    /// <summary>
    /// Runs at the next wait, once the session has recorded what was delivered: result files go (a result is adopted at most
    /// once), and an array whose nodes are all answered is marked done in the state, so no rerun looks for it again.
    /// </summary>
    private void SettleDelivered()
    {
        foreach (var node in _delivered)
            if (node.ResultRead) fileSystem.Delete(node.ResultPath);
        foreach (var array in _delivered.Select(n => n.Array).Distinct())
        {
            if (array.MarkedDone || array.CancelledByUs || array.Nodes.Any(n => !n.Done)) continue;
            state.MarkJobDone(array.JobId.ToString(CultureInfo.InvariantCulture));
            array.MarkedDone = true;
        }
        _delivered.Clear();
    }

    /// <summary>One squeue for every job with outstanding nodes; sacct only for tasks squeue no longer lists.</summary>
    private async Task PollQueueAsync(List<RunResult> results, CancellationToken cancellation)
    {
        var jobs = _arrays.Values.Where(a => a.Nodes.Any(n => !n.Done)).Select(a => a.JobId).ToList();
        _sinceQueuePoll.Restart();
        if (jobs.Count == 0) return;
        IReadOnlyList<QueueEntry> entries;
        try
        {
            QueuePolls++;
            entries = await client.QueueAsync(jobs, cancellation);
        }
        catch (Exception e) when (e is SlurmCommandException or TimeoutException)
        {
            options.Log?.Invoke($"warning: {e.Message} (will ask again in {options.PollInterval.TotalSeconds:0.#} s)");
            return;
        }
        var byTask = new Dictionary<SlurmTaskId, QueueEntry>();
        foreach (var e in entries) byTask[e.Task] = e;
        var missing = new List<TrackedNode>();
        foreach (var node in Outstanding().ToList())
        {
            if (!byTask.TryGetValue(node.Task, out var entry))
            {
                if (++node.MissingPolls >= options.MissingPollsBeforeLost) missing.Add(node);
                continue;
            }
            node.MissingPolls = 0;
            if (!entry.Class.IsFinal()) continue;
            if (node.Killed is { } killed)
            {
                results.Add(Deliver(node, Stopped(node, killed, entry.Class, entry.State, $"{entry.State} {entry.ExitCode}".Trim())));
                continue;
            }
            // The worker writes results before its task ends, so a result absent now will never come.
            if (TryReadResult(node) is { } late) { results.Add(Deliver(node, late)); continue; }
            var stderr = entry.State == SlurmJobState.Failed && entry.ExitCode is { Signal: 9 } ? Tail(node.SlurmLog) : null;
            results.Add(Deliver(node, Ended(node, FailureSignature.Classify(entry, stderr), $"{entry.State} {entry.ExitCode}".Trim(), Interruption(entry.State))));
        }
        if (missing.Count > 0) results.AddRange(await ResolveMissingAsync(missing, cancellation));
    }

    /// <summary>Tasks squeue has forgotten (older than MinJobAge, or a driver away a long time): sacct knows how they ended.</summary>
    private async Task<List<RunResult>> ResolveMissingAsync(List<TrackedNode> missing, CancellationToken cancellation)
    {
        var results = new List<RunResult>();
        var records = new Dictionary<SlurmTaskId, AccountingRecord>();
        _accounting ??= await client.IsAccountingAvailableAsync(cancellation);
        if (_accounting == true)
        {
            try
            {
                foreach (var r in await client.AccountingAsync(missing.Select(n => n.Array.JobId).Distinct().ToList(), cancellation)) records[r.Task] = r;
            }
            catch (Exception e) when (e is SlurmCommandException or TimeoutException)
            {
                options.Log?.Invoke($"warning: {e.Message}");
            }
        }
        foreach (var node in missing)
        {
            if (node.Killed is { } killed)
            {
                results.Add(Deliver(node, records.TryGetValue(node.Task, out var ended) && ended.State.Classify().IsFinal()
                    ? Stopped(node, killed, FailureSignature.Classify(ended), ended.State, $"{ended.State} {ended.ExitCode} (sacct)")
                    : killed));
                continue;
            }
            if (TryReadResult(node) is { } late) { results.Add(Deliver(node, late)); continue; }
            if (records.TryGetValue(node.Task, out var record))
            {
                if (!record.State.Classify().IsFinal()) continue;
                results.Add(Deliver(node, Ended(node, FailureSignature.Classify(record), $"{record.State} {record.ExitCode} (sacct)", Interruption(record.State))));
                continue;
            }
            // Neither squeue nor sacct knows it: whatever happened, it did not run to the end. Like a node failure.
            results.Add(Deliver(node, Ended(node, SlurmStateClass.NodeFailure, "gone from squeue and sacct", "node failure")));
        }
        return results;
    }

    /// <summary>A task ended without this node's result: why (OOM, TIMEOUT, ...), where the logs are, and whether to retry with what.</summary>
    /// <param name="interruption">What cut the task short that was not its doing ("preempted", "node failure"), or null.</param>
    private RunResult Ended(TrackedNode node, SlurmStateClass how, string slurmSaid, string? interruption = null)
    {
        var invocation = node.Invocation;
        if (how == SlurmStateClass.Completed)
            return Failure(node, $"FAILED: Slurm task {node.Task} completed but wrote no result for this node (did the worker crash?); Slurm log: {node.SlurmLog}; log: {invocation.LogPath}");
        if (interruption is not null) return Interrupted(node, interruption, slurmSaid);
        var kind = FailureKinds.From(how) ?? FailureKind.NodeFailure;
        var lastPeak = state.LastGoodPeakRssKb(invocation.Node);
        // Attempts the cluster took away are not the task's: the policy counts only its own.
        var decision = RetryPolicyOf(invocation).Decide(new FailedAttempt(kind, invocation.Attempt - invocation.Interruptions,
            invocation.MemoryMb * SlurmMemory.MiB, invocation.Walltime, lastPeak * 1024));
        var label = kind switch
        {
            FailureKind.OutOfMemory => "OOM",
            FailureKind.Timeout => "TIMEOUT",
            FailureKind.Cancelled => "CANCELLED",
            FailureKind.NodeFailure => "NODE_FAIL",
            _ => "FAILED",
        };
        var message = $"{label}: Slurm task {node.Task} ended {slurmSaid}; {decision.Reason}; Slurm log: {node.SlurmLog}; log: {invocation.LogPath}";
        return new RunResult
        {
            Node = invocation.Node,
            Status = kind switch { FailureKind.OutOfMemory => BuildStatus.OutOfMemory, FailureKind.Timeout => BuildStatus.TimedOut, _ => BuildStatus.Failed },
            Message = message,
            JobId = node.Task.ToString(),
            Attempt = invocation.Attempt,
            StartedAt = _clock.UtcNow,
            EndedAt = _clock.UtcNow,
            Retry = decision.Retry
                ? new ResourceRetry(decision.MemoryBytes is { } bytes ? (bytes + SlurmMemory.MiB - 1) / SlurmMemory.MiB : null, decision.TimeLimit)
                : null,
        };
    }

    /// <summary>Preempted, node or boot failure: retried as it was, resuming from its checkpoint, up to <see cref="SlurmExecutorOptions.MaxInterruptions"/> times.</summary>
    private RunResult Interrupted(TrackedNode node, string interruption, string slurmSaid)
    {
        var invocation = node.Invocation;
        var count = invocation.Interruptions + 1;
        var resume = invocation.CheckpointDirectory is null ? "from the start" : $"resuming from {invocation.CheckpointDirectory}";
        var again = count <= options.MaxInterruptions;
        var decision = again
            ? $"{interruption} {count}x, not the task's failure: retrying as it was, {resume}"
            : $"{interruption}: the cluster interrupted it {count} times, more than allowed ({options.MaxInterruptions}); not retried";
        return new RunResult
        {
            Node = invocation.Node,
            Status = BuildStatus.Failed,
            Message = $"{(interruption == "node failure" ? "NODE_FAIL" : interruption.ToUpperInvariant().Replace(' ', '_'))}: Slurm task {node.Task} ended {slurmSaid}; {decision}; Slurm log: {node.SlurmLog}; log: {invocation.LogPath}",
            JobId = node.Task.ToString(),
            Attempt = invocation.Attempt,
            StartedAt = _clock.UtcNow,
            EndedAt = _clock.UtcNow,
            InterruptedBy = again ? interruption : null,
            Retry = again ? new ResourceRetry(invocation.MemoryMb, invocation.Walltime) : null,
        };
    }

    /// <summary>The states in which the cluster, not the task, ended an attempt.</summary>
    private static string? Interruption(SlurmJobState state) => state switch
    {
        SlurmJobState.Preempted => "preempted",
        SlurmJobState.NodeFail => "node failure",
        SlurmJobState.BootFail => "boot failure",
        _ => null,
    };

    private RunResult Failure(TrackedNode node, string message) => new()
    {
        Node = node.Invocation.Node, Status = BuildStatus.Failed, Message = message, JobId = node.Task.ToString(),
        Attempt = node.Invocation.Attempt, StartedAt = _clock.UtcNow, EndedAt = _clock.UtcNow,
    };

    private RunResult Cancelled(TrackedNode node) => new()
    {
        Node = node.Invocation.Node, Status = BuildStatus.Cancelled, Message = $"cancelled (scancel {node.Array.JobId}); Slurm log: {node.SlurmLog}",
        JobId = node.Task.ToString(), Attempt = node.Invocation.Attempt, StartedAt = _clock.UtcNow, EndedAt = _clock.UtcNow,
    };

    /// <summary>The end of a Slurm log, where slurmstepd says "exceeded memory limit" or "oom-kill".</summary>
    private string? Tail(string path)
    {
        if (fileSystem.Stat(path) is null) return null;
        try
        {
            using var stream = fileSystem.OpenRead(path);
            if (stream.CanSeek && stream.Length > 4096) stream.Seek(-4096, SeekOrigin.End);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

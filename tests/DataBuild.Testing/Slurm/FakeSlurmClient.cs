using DataBuild.Slurm;

namespace DataBuild.Testing;

/// <summary>
/// An in-memory Slurm for fast executor tests: submit arrays, then step time with <see cref="Advance"/> or
/// steer single tasks (start, complete, OOM, timeout, node failure). Counts every call, so a test can
/// assert "one squeue per poll". Thread-safe: a driver may poll while the test steers.
/// </summary>
public sealed class FakeSlurmClient : ISlurmClient
{
    private readonly object _gate = new();
    private readonly List<FakeTask> _tasks = [];
    private readonly List<long> _cancelRequests = [];
    private long _nextJobId = 1000;

    public FakeSlurmClient(SlurmConfig? config = null, bool accounting = true)
    {
        Config = config ?? new SlurmConfig(new Dictionary<string, string>
        {
            ["MaxArraySize"] = "1001",
            ["MaxJobCount"] = "10000",
            ["ClusterName"] = "fake",
        });
        AccountingEnabled = accounting;
    }

    public SlurmConfig Config { get; set; }

    /// <summary>The partitions and their limits (scontrol show partition): one default partition without limits unless set.</summary>
    public IReadOnlyList<PartitionLimits> Partitions { get; set; } = [new PartitionLimits("debug", IsDefault: true, null, null, null)];

    public IReadOnlyList<QosLimits> Qos { get; set; } = [];

    public int PartitionCalls { get; private set; }
    public bool AccountingEnabled { get; set; }
    public FakeMemoryEnforcement MemoryEnforcement { get; set; } = FakeMemoryEnforcement.Cgroup;

    /// <summary>Decides how a running task ends on <see cref="Advance"/>; every task completes when null.</summary>
    public Func<FakeTask, FakeOutcome>? Outcomes { get; set; }

    /// <summary>Wall time and peak RSS a task reports on success.</summary>
    public TimeSpan TaskElapsed { get; set; } = TimeSpan.FromSeconds(1);
    public long TaskMaxRssBytes { get; set; } = 10 * SlurmMemory.MiB;

    public int SubmitCalls { get; private set; }
    public int QueueCalls { get; private set; }
    public int AccountingCalls { get; private set; }
    public int CancelCalls { get; private set; }

    /// <summary>Every job id passed to CancelAsync, in order.</summary>
    public IReadOnlyList<long> CancelRequests { get { lock (_gate) return _cancelRequests.ToArray(); } }

    public IReadOnlyList<FakeTask> Tasks { get { lock (_gate) return _tasks.ToArray(); } }

    public FakeTask Task(SlurmTaskId id) =>
        Tasks.SingleOrDefault(t => t.Id == id) ?? throw new ArgumentException($"The fake cluster has no task {id}; it has {string.Join(", ", Tasks.Select(t => t.Id))}.");

    public Task<long> SubmitAsync(string scriptPath, IReadOnlyList<string>? sbatchOptions = null, CancellationToken cancellationToken = default)
    {
        var text = File.Exists(scriptPath) ? File.ReadAllText(scriptPath) : null;
        var options = SbatchOptionReader.Read(text, sbatchOptions ?? []);
        var array = options.TryGetValue("array", out var spec) ? ArrayIndexSet.Parse(spec) : null;
        lock (_gate)
        {
            SubmitCalls++;
            if (array is not null && array.Indices.Any(i => i >= Config.MaxArraySize))
                throw Rejected(scriptPath, $"Batch job submission failed: Invalid job array specification (indices must be < MaxArraySize={Config.MaxArraySize})");
            var count = array?.Indices.Count ?? 1;
            if (_tasks.Count(t => !t.Purged) + count > Config.MaxJobCount)
                throw Rejected(scriptPath, $"Batch job submission failed: Resource temporarily unavailable (MaxJobCount={Config.MaxJobCount})");
            var jobId = _nextJobId++;
            var memory = options.TryGetValue("mem", out var m) ? SlurmMemory.ParseBytes(m, 'M') : null;
            var time = options.TryGetValue("time", out var t) ? SlurmDuration.Parse(t) : null;
            IEnumerable<int?> indices = array is null ? [null] : array.Indices.Select(i => (int?)i);
            foreach (var index in indices)
                _tasks.Add(new FakeTask(new SlurmTaskId(jobId, index), scriptPath, options, memory, time) { Throttle = array?.Throttle });
            return System.Threading.Tasks.Task.FromResult(jobId);
        }
    }

    /// <summary>Every submission with script arguments (the driver as a job), in order: script, options, arguments.</summary>
    public IReadOnlyList<(string Script, IReadOnlyList<string> Options, IReadOnlyList<string> Arguments)> CommandSubmissions
    {
        get { lock (_gate) return _commandSubmissions.ToArray(); }
    }

    private readonly List<(string, IReadOnlyList<string>, IReadOnlyList<string>)> _commandSubmissions = [];

    public Task<long> SubmitWithArgumentsAsync(string scriptPath, IReadOnlyList<string> sbatchOptions, IReadOnlyList<string> scriptArguments,
        CancellationToken cancellationToken = default)
    {
        lock (_gate) _commandSubmissions.Add((scriptPath, sbatchOptions.ToList(), scriptArguments.ToList()));
        return SubmitAsync(scriptPath, sbatchOptions, cancellationToken);
    }

    public Task<IReadOnlyList<QueueEntry>> QueueAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            QueueCalls++;
            IReadOnlyList<QueueEntry> entries = Of(jobIds).Where(t => !t.Purged)
                .Select(t => new QueueEntry(t.Id, t.JobId, t.State, t.State.Classify().IsFinal() ? t.ExitCode : null,
                    t.Elapsed, t.NodeList, t.Reason))
                .ToArray();
            return System.Threading.Tasks.Task.FromResult(entries);
        }
    }

    public Task<IReadOnlyList<AccountingRecord>> AccountingAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            AccountingCalls++;
            if (!AccountingEnabled)
                throw new SlurmCommandException(new CommandResult("sacct", SacctFormat.Arguments(jobIds), 1, "",
                    "Slurm accounting storage is disabled"), "Accounting is unavailable (fake cluster).");
            IReadOnlyList<AccountingRecord> records = Of(jobIds)
                .Select(t => new AccountingRecord(t.Id, t.JobId, t.State, t.CancelledByUid,
                    t.State.Classify().IsFinal() ? t.ExitCode : SlurmExitCode.Success, t.Elapsed, t.MaxRssBytes, t.MemoryBytes,
                    t.TimeLimit, t.NodeList, BatchState(t), BatchCancelledBy(t)))
                .ToArray();
            return System.Threading.Tasks.Task.FromResult(records);
        }
    }

    public Task<IReadOnlyList<PartitionLimits>> PartitionsAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) PartitionCalls++;
        return System.Threading.Tasks.Task.FromResult(Partitions);
    }

    public Task<IReadOnlyList<QosLimits>> QosAsync(CancellationToken cancellationToken = default) => System.Threading.Tasks.Task.FromResult(Qos);

    public Task CancelAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            CancelCalls++;
            _cancelRequests.AddRange(jobIds);
            foreach (var t in Of(jobIds).Where(t => !t.State.Classify().IsFinal()))
            {
                t.State = SlurmJobState.Cancelled;
                t.CancelledByUid = 0;
                t.ExitCode = t.NodeList.Length > 0 ? new SlurmExitCode(0, 15) : SlurmExitCode.Success;
            }
        }
        return System.Threading.Tasks.Task.CompletedTask;
    }

    public int NameLookups { get; private set; }

    /// <summary>Makes the look-up by name fail as squeue does when slurmctld is down.</summary>
    public bool NameLookupFails { get; set; }

    public Task<IReadOnlyList<NamedJob>> JobsNamedAsync(IReadOnlyCollection<string> names, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            NameLookups++;
            if (NameLookupFails)
                throw new SlurmCommandException(new CommandResult("squeue", NamedJobFormat.SqueueArguments(names), 1, "",
                    "slurm_load_jobs error: Unable to contact slurm controller (connect failure)"), "Is slurmctld up? Try `scontrol ping`.");
            // squeue lists what is not purged; sacct, when on, everything.
            IReadOnlyList<NamedJob> found = _tasks.Where(t => (!t.Purged || AccountingEnabled) && t.Options.TryGetValue("job-name", out var n) && names.Contains(n))
                .Select(t => new NamedJob(t.Options["job-name"], t.Id.JobId)).Distinct().ToArray();
            return System.Threading.Tasks.Task.FromResult(found);
        }
    }

    Task<SlurmConfig> ISlurmClient.ConfigAsync(CancellationToken cancellationToken) => System.Threading.Tasks.Task.FromResult(Config);

    public Task<bool> IsAccountingAvailableAsync(CancellationToken cancellationToken = default) =>
        System.Threading.Tasks.Task.FromResult(AccountingEnabled);

    /// <summary>One scheduler tick: running tasks end (by <see cref="Outcomes"/>), then pending tasks start up to their throttle.</summary>
    public void Advance()
    {
        lock (_gate)
        {
            foreach (var t in _tasks.Where(t => t.State == SlurmJobState.Running).ToArray())
                Finish(t, Outcomes?.Invoke(t) ?? FakeOutcome.Completed);
            foreach (var t in _tasks.Where(t => t.State == SlurmJobState.Pending).ToArray())
            {
                var running = _tasks.Count(o => o.Id.JobId == t.Id.JobId && o.State == SlurmJobState.Running);
                if (t.Throttle is { } limit && running >= limit)
                {
                    t.Reason = "JobArrayTaskLimit";
                    continue;
                }
                StartLocked(t);
            }
        }
    }

    /// <summary>Advances until every task has ended.</summary>
    public void RunToEnd(int maxTicks = 10_000)
    {
        for (var i = 0; i < maxTicks && Tasks.Any(t => !t.State.Classify().IsFinal()); i++)
            Advance();
    }

    public void Start(SlurmTaskId id) { lock (_gate) StartLocked(Task(id)); }
    public void Complete(SlurmTaskId id) => End(id, FakeOutcome.Completed);
    public void FailWithExitCode(SlurmTaskId id, int code) { lock (_gate) { var t = Task(id); Finish(t, FakeOutcome.NonZeroExit); t.ExitCode = new SlurmExitCode(code, 0); } }
    public void RunOutOfMemory(SlurmTaskId id) => End(id, FakeOutcome.OutOfMemory);
    public void TimeOut(SlurmTaskId id) => End(id, FakeOutcome.Timeout);
    public void FailNode(SlurmTaskId id) => End(id, FakeOutcome.NodeFailure);
    public void Preempt(SlurmTaskId id) => End(id, FakeOutcome.Preempted);
    public void CancelTask(SlurmTaskId id) { lock (_gate) { Finish(Task(id), FakeOutcome.Cancelled); Task(id).CancelledByUid = 1000; } }

    /// <summary>As `scontrol requeue`: the task goes back to the queue under the same job id, to start again later.</summary>
    public void Requeue(SlurmTaskId id) { lock (_gate) Task(id).State = SlurmJobState.Requeued; }

    /// <summary>Ages a job out of the controller (past MinJobAge): squeue forgets it, sacct remembers.</summary>
    public void Purge(long jobId) { lock (_gate) foreach (var t in _tasks.Where(t => t.Id.JobId == jobId)) t.Purged = true; }

    private void End(SlurmTaskId id, FakeOutcome outcome) { lock (_gate) Finish(Task(id), outcome); }

    private void StartLocked(FakeTask t)
    {
        if (t.State != SlurmJobState.Pending)
            return;
        t.State = SlurmJobState.Running;
        t.JobId = t.Id.Index is null ? t.Id.JobId : _nextJobId++;
        t.NodeList = "fake01";
        t.Reason = "None";
    }

    private void Finish(FakeTask t, FakeOutcome outcome)
    {
        if (t.State == SlurmJobState.Pending)
            StartLocked(t);
        t.Elapsed = TaskElapsed;
        t.MaxRssBytes = TaskMaxRssBytes;
        (t.State, t.ExitCode, t.Reason) = outcome switch
        {
            FakeOutcome.Completed => (SlurmJobState.Completed, SlurmExitCode.Success, "None"),
            FakeOutcome.NonZeroExit => (SlurmJobState.Failed, new SlurmExitCode(1, 0), "NonZeroExitCode"),
            FakeOutcome.OutOfMemory => OutOfMemory(t),
            FakeOutcome.Timeout => (SlurmJobState.Timeout, new SlurmExitCode(0, 15), "TimeLimit"),
            FakeOutcome.NodeFailure => (SlurmJobState.NodeFail, new SlurmExitCode(0, 0), "NodeDown"),
            FakeOutcome.Cancelled => (SlurmJobState.Cancelled, new SlurmExitCode(0, 15), "None"),
            _ => (SlurmJobState.Preempted, new SlurmExitCode(0, 15), "None"),
        };
    }

    private (SlurmJobState, SlurmExitCode, string) OutOfMemory(FakeTask t)
    {
        // Both as measured on the local test cluster; see tests/slurm/README.md.
        if (MemoryEnforcement == FakeMemoryEnforcement.Cgroup)
            return (SlurmJobState.OutOfMemory, new SlurmExitCode(0, 125), "OutOfMemory");
        t.MaxRssBytes = t.MemoryBytes ?? t.MaxRssBytes;
        return (SlurmJobState.Failed, new SlurmExitCode(0, 9), "JobLaunchFailure");
    }

    private SlurmJobState? BatchState(FakeTask t) =>
        t.NodeList.Length == 0 ? null
        : t.State == SlurmJobState.Failed && t.ExitCode.Signal == 9 ? SlurmJobState.Cancelled
        : t.State is SlurmJobState.Timeout or SlurmJobState.Preempted ? SlurmJobState.Cancelled
        : t.State;

    private int? BatchCancelledBy(FakeTask t) =>
        t.State == SlurmJobState.Failed && t.ExitCode.Signal == 9 && MemoryEnforcement == FakeMemoryEnforcement.Poll ? 0 : null;

    private IEnumerable<FakeTask> Of(IReadOnlyCollection<long> jobIds)
    {
        var wanted = jobIds.ToHashSet();
        return _tasks.Where(t => wanted.Contains(t.Id.JobId) || wanted.Contains(t.JobId));
    }

    private static SlurmCommandException Rejected(string scriptPath, string message) =>
        new(new CommandResult("sbatch", ["--parsable", scriptPath], 1, "", "sbatch: error: " + message),
            "Check the #SBATCH lines and limits in the script, and `sinfo` for the partition.");
}

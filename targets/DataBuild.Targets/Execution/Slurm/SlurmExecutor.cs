using System.Globalization;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Slurm;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Execution.Slurm;

/// <summary>
/// Runs the stale part of the graph as Slurm job arrays. The scheduler offers every ready node (the cluster queues, so
/// <see cref="CanStart"/> is always true); <see cref="Flush"/> groups them by target and resources, packs K nodes per
/// array task, chunks the packs by MaxArraySize and this driver's share of MaxJobCount, writes a manifest and a
/// readable sbatch script per array, records the intent under the array's unique job name, submits, and records the job id
/// in the state at once (a rerun finds by name the arrays of intents left without an id: <see cref="Prepare"/>). <see cref="WaitAsync"/>
/// then ingests per-node result files as they appear and asks squeue (one call for all jobs) how the tasks are doing.
/// </summary>
public sealed partial class SlurmExecutor(ISlurmClient client, SlurmExecutorOptions options, IFileSystem fileSystem, StateStore state,
    IClock? clock = null, string stateDirectory = ".databuild") : IExecutor
{
    private readonly IClock _clock = clock ?? SystemClock.Instance;
    private readonly List<Invocation> _buffer = [];
    private readonly Queue<PlannedArray> _unsubmitted = new();
    private readonly Dictionary<long, ArrayJob> _arrays = [];
    private long _runId;
    private int _arraysMade;
    private ArrayLimits? _limits;

    public string Name => "slurm";

    // An array task starts when Slurm schedules it, not when it is handed out: its worker takes the start (StartPacing).
    public bool PacesRateLimits => true;

    /// <summary>Nodes offered and not yet answered: buffered, waiting for submission, queued or running on the cluster.</summary>
    public int Running { get; private set; }

    public bool CanStart(Invocation invocation) => true;

    public void Start(Invocation invocation, TaskSpec task)
    {
        _buffer.Add(invocation);
        Running++;
    }

    public void Flush()
    {
        if (_buffer.Count > 0 && PreflightRefusal() is { } refusal)
        {
            Refuse(_buffer, refusal, log: false);
            _buffer.Clear();
        }
        if (_buffer.Count > 0)
        {
            // Same target, resources and scheduler settings: one set of #SBATCH lines, so one array. Memory is bucketed (at most
            // 50 % more than asked) so that a target whose memory grows with its data still makes a few arrays, not one per size.
            foreach (var group in _buffer.GroupBy(i => (i.Target, i.Cores, Memory: MemoryBucket(i.MemoryMb), i.Gpus, i.Walltime,
                         Settings: i.Scheduler?.GroupKey())))
            {
                var memory = group.Max(i => i.MemoryMb);
                var nodes = group.Select(i => i with { MemoryMb = memory }).ToList();
                if (Refusal(nodes[0], Parallel(nodes.Count)) is { } why) Refuse(nodes, why);
                else Plan(group.Key.Target, nodes);
            }
            _buffer.Clear();
        }
        SubmitWhatFits();
    }

    /// <summary>Rounds up to two significant binary digits: 256, 384, 512, 768, 1024, 1536, ... MB.</summary>
    internal static long? MemoryBucket(long? mb)
    {
        if (mb is not { } m || m <= 256) return mb is null ? null : 256;
        var top = 1L << (63 - (int)long.LeadingZeroCount(m));
        return m <= top ? top : m <= top + top / 2 ? top + top / 2 : top * 2;
    }

    private void Plan(string target, List<Invocation> nodes)
    {
        var history = options.Pack is null ? state.RecentWallSeconds(target).Select(TimeSpan.FromSeconds).ToList() : [];
        var plan = PackPlanner.Plan(nodes.Count, options.Pack, history, options.PackParallel);
        // A pack's nodes run in turn within one time limit: never more of them than MaxTime allows.
        if (MaxPackOf(nodes[0], Parallel(plan.ItemsPerTask)) is { } most && plan.ItemsPerTask > most)
            plan = new PackPlan(most, (nodes.Count + most - 1) / most, $"{plan.Reason}, at most {most} within the time limit");
        var packs = nodes.Chunk(plan.ItemsPerTask).ToList();
        foreach (var chunk in ArrayChunker.Split(packs.Count, Limits()))
            _unsubmitted.Enqueue(new PlannedArray(target, packs.GetRange(chunk.FirstTask, chunk.Count), plan.ItemsPerTask, plan.Reason));
    }

    /// <summary>Submits planned arrays while this driver stays within its share of the controller's job table.</summary>
    private void SubmitWhatFits()
    {
        while (_unsubmitted.TryPeek(out var next) && ArrayChunker.CanSubmit(new ArrayChunk(0, next.Packs.Count), TasksInFlight(), Limits()))
            Submit(_unsubmitted.Dequeue());
    }

    private int TasksInFlight() => _arrays.Values.Sum(a => a.Nodes.Where(n => !n.Done).Select(n => n.Index).Distinct().Count());

    private ArrayLimits Limits() => _limits ??= ArrayLimits.From(client.ConfigAsync().GetAwaiter().GetResult());

    private void Submit(PlannedArray planned)
    {
        var first = planned.Packs[0][0];
        var files = new ArrayFiles($"{stateDirectory}/slurm/{_runId}/{++_arraysMade:000}-{planned.Target}");
        fileSystem.CreateDirectory(files.Logs);     // sbatch fails the task if its log directory is missing
        fileSystem.CreateDirectory(files.Results);
        var invocations = planned.Packs.SelectMany(p => p).ToList();
        files.WriteManifest(fileSystem, invocations, planned.Pack);
        // A name no other submission has: the intent recorded under it before sbatch lets a rerun find this job if the
        // driver dies before recording its id, so no node is ever submitted twice.
        var name = $"databuild-{planned.Target}-{Guid.NewGuid().ToString("N")[..12]}";
        var spec = Spec(planned, first, files, name);
        using (var script = new StreamWriter(fileSystem.Create(files.Script)))
            script.Write(SbatchScript.Render(spec));
        state.RecordJobIntent(name, _runId, files.Manifest, _clock.UtcNow);
        var jobId = SubmitWithRetries(files.Script, name);
        options.AfterSubmit?.Invoke(jobId);
        state.ResolveJobIntent(name, jobId.ToString(CultureInfo.InvariantCulture));
        var array = new ArrayJob(jobId, files);
        _arrays[jobId] = array;
        for (var n = 0; n < invocations.Count; n++)
            array.Add(new TrackedNode(invocations[n], array, n / planned.Pack, n % planned.Pack));
        options.Log?.Invoke($"submitted job array {jobId}: {invocations.Count} {planned.Target} node(s) in {planned.Packs.Count} task(s) " +
            $"of up to {planned.Pack} (pack {planned.Reason}); script {files.Script}");
    }

    /// <summary>sbatch, tried again a few times: a busy or restarting controller refuses for seconds, and a build should not die of it.</summary>
    private long SubmitWithRetries(string script, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return client.SubmitAsync(fileSystem.FullPath(script)).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is SlurmCommandException or TimeoutException && attempt < 5)
            {
                var delay = TimeSpan.FromSeconds(1 << (attempt - 1));
                options.Log?.Invoke($"warning: {e.Message} (trying again in {delay.TotalSeconds:0} s)");
                Thread.Sleep(delay);
                // An sbatch that timed out may have been accepted all the same: submitting again would run the array twice.
                if (e is TimeoutException && FindByName([name], _clock.UtcNow.AddMinutes(-5)) is { } found && found.TryGetValue(name, out var id)) return id;
            }
        }
    }

    private SbatchSpec Spec(PlannedArray planned, Invocation first, ArrayFiles files, string name)
    {
        var parallel = Parallel(planned.Pack);
        // A pack runs `parallel` nodes at once and K nodes in turn: it needs that many nodes' CPUs and memory, and their time in sequence.
        var rounds = (planned.Pack + parallel - 1) / parallel;
        var settings = first.Scheduler ?? new SchedulerSettings();
        return new SbatchSpec(
            JobName: name,
            ArrayFirst: 0,
            ArrayLast: planned.Packs.Count - 1,
            Command: [.. options.WorkerCommand, "--manifest", files.Manifest, "--pack", planned.Pack.ToString(CultureInfo.InvariantCulture)],
            OutputPath: fileSystem.FullPath(files.Logs) + "/%A_%a.out",
            Throttle: options.ArrayThrottle,
            // Slurm refuses --cpus-per-task together with --cpus-per-gpu: the CPUs then follow the GPUs.
            CpusPerTask: settings.CpusPerGpu is null || first.Gpus == 0 ? first.Cores * parallel : null,
            MemoryBytes: first.MemoryMb * SlurmMemory.MiB * parallel,
            Gpus: first.Gpus > 0 ? first.Gpus * parallel : null,
            TimeLimit: first.Walltime * rounds,
            Partition: settings.Partition ?? options.Partition,
            Account: settings.Account ?? options.Account,
            Qos: settings.Qos ?? options.Qos,
            ExtraArguments: [.. options.SbatchArguments, .. settings.SbatchArguments ?? []],
            WorkingDirectory: options.WorkingDirectory,
            Constraint: settings.Constraint,
            GpusPerTask: settings.GpuOption == GpuOption.GpusPerTask,
            CpusPerGpu: first.Gpus > 0 ? settings.CpusPerGpu : null,
            // Only tasks that keep a checkpoint are warned: the default action of SIGUSR1 would end any other one early.
            // Every C# step has a checkpoint directory, so only one that asks for the warning (.CheckpointSignal, profile 'signal') gets it.
            SignalSeconds: first.CheckpointDirectory is null || first.Walltime is null ? null
                : first.Argv is not null ? settings.SignalSeconds ?? SchedulerSettings.DefaultSignalSeconds
                : settings.SignalSeconds);
    }

    /// <summary>Nodes an array task of packs of <paramref name="pack"/> runs at once.</summary>
    private int Parallel(int pack) => Math.Min(Math.Max(1, options.PackParallel), Math.Max(1, pack));

    public void Dispose()
    {
        SettleDelivered();
    }

    private sealed record PlannedArray(string Target, List<Invocation[]> Packs, int Pack, string Reason);

    private sealed class ArrayJob(long jobId, ArrayFiles files)
    {
        public long JobId { get; } = jobId;
        public ArrayFiles Files { get; } = files;
        public List<TrackedNode> Nodes { get; } = [];

        /// <summary>Nodes by the name of their result file (<see cref="ArrayFiles.ResultName"/>), for a listing of the results directory.</summary>
        public Dictionary<string, TrackedNode> ByResultName { get; } = new(StringComparer.Ordinal);

        public void Add(TrackedNode node)
        {
            Nodes.Add(node);
            ByResultName[ArrayFiles.ResultName(node.Index, node.Slot)] = node;
        }
        public bool CancelledByUs { get; set; }
        public bool MarkedDone { get; set; }
    }

    private sealed class TrackedNode(Invocation invocation, ArrayJob array, int index, int slot)
    {
        public Invocation Invocation { get; } = invocation;
        public ArrayJob Array { get; } = array;
        public int Index { get; } = index;
        public int Slot { get; } = slot;
        public SlurmTaskId Task => new(Array.JobId, Index);
        public string ResultPath => Array.Files.Result(Index, Slot);
        public string SlurmLog => Array.Files.SlurmLog(Array.JobId, Index);

        public bool Done { get; set; }
        public bool ResultRead { get; set; }

        /// <summary>
        /// A result saying SIGKILL, or that the worker was stopped (SIGTERM: scancel, a time limit, a node going down): held
        /// until Slurm says how the array task ended, since only Slurm knows which it was.
        /// </summary>
        public RunResult? Killed { get; set; }
        public int MissingPolls { get; set; }
    }
}

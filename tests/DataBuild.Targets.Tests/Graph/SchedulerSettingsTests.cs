using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>Per-target scheduler settings: declared in the DSL, resolved per node with the profile, never part of the key.</summary>
public sealed class SchedulerSettingsTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class TwoQueues(string partition = "long", int minutesPerQuad = 10) : Pipeline
    {
        Target Catalogs => _ => _
            .PartitionedBy("quad", Enumerable.Range(1, 3))
            .SlurmPartition(partition).Account("desi").Qos("shared").Constraint("haswell")
            .Gpus(1).GpuOption(GpuOption.GpusPerTask).CpusPerGpu(32).SbatchArguments("--exclusive")
            .Walltime(r => TimeSpan.FromMinutes(minutesPerQuad * int.Parse(r.Partition["quad"])))
            .Output("catalogs/q{quad}.txt")
            .Executes("write", "{out}", "catalog {quad}");

        Target Summary => _ => _.DependsOn(Catalogs).Walltime(TimeSpan.FromMinutes(30)).Output("summary.txt").Executes("cat", "{out}", "{deps:Catalogs}");
    }

    /// <summary>Runs the build on a local executor and keeps every invocation it was given.</summary>
    private async Task<(BuildOutcome Outcome, Dictionary<string, Invocation> Invocations)> Build(Pipeline pipeline, SchedulerProfile? profile = null)
    {
        var (outcome, executor) = await BuildRecorded(pipeline, profile);
        return (outcome, executor.Invocations);
    }

    private async Task<(BuildOutcome Outcome, Recording Executor)> BuildRecorded(Pipeline pipeline, SchedulerProfile? profile = null)
    {
        using var executor = new Recording(new LocalExecutor(new NodeRunner(_ws.Files, _ws.Processes, _ws.Clock), 4, memoryMb: 1 << 20, gpus: 4));
        var outcome = await new BuildSession(PipelineModel.Load(pipeline), _ws.Workspace, _ws.State, executor, SilentReporter.Instance,
            new BuildOptions { Scheduler = profile ?? SchedulerProfile.Empty }).RunAsync(CancellationToken.None);
        return (outcome, executor);
    }

    [Fact]
    public async Task Before_the_first_node_starts_the_executor_is_given_every_targets_request_with_profile_time_and_constant_DSL_time()
    {
        var profile = new SchedulerProfile
        {
            Defaults = new() { Partition = "debug" },
            ByTarget = new Dictionary<string, SchedulerSettings> { ["Catalogs"] = new() { Walltime = TimeSpan.FromHours(1) } },
        };

        var (outcome, executor) = await BuildRecorded(new TwoQueues(), profile);

        Assert.True(outcome.Succeeded);
        Assert.Equal("preflight", executor.Calls[0]);
        Assert.Equal(1, executor.Calls.Count(c => c == "preflight"));
        Assert.Equal(("long", TimeSpan.FromHours(1), 1), (executor.Probes["Catalogs"].Scheduler!.Partition, executor.Probes["Catalogs"].Walltime, executor.Probes["Catalogs"].Gpus));
        // Summary's time is the DSL's constant; the profile's default partition fills what the DSL leaves unset.
        Assert.Equal(("debug", TimeSpan.FromMinutes(30)), (executor.Probes["Summary"].Scheduler!.Partition, executor.Probes["Summary"].Walltime));
    }

    [Fact]
    public async Task A_wall_time_per_partition_is_not_known_before_its_nodes_and_the_request_leaves_it_to_them()
    {
        var (_, executor) = await BuildRecorded(new TwoQueues());

        Assert.Null(executor.Probes["Catalogs"].Walltime);
    }

    [Fact]
    public async Task The_DSL_settings_and_a_wall_time_per_partition_reach_each_invocation()
    {
        var (outcome, invocations) = await Build(new TwoQueues());

        Assert.True(outcome.Succeeded);
        var q2 = invocations["Catalogs[quad=2]"];
        Assert.Equal(TimeSpan.FromMinutes(20), q2.Walltime);
        Assert.Equal(1, q2.Gpus);
        Assert.Equal(new SchedulerSettings
        {
            Partition = "long", Account = "desi", Qos = "shared", Constraint = "haswell", GpuOption = GpuOption.GpusPerTask, CpusPerGpu = 32,
        }.GroupKey(), (q2.Scheduler! with { SbatchArguments = null }).GroupKey());
        Assert.Equal(["--exclusive"], q2.Scheduler!.SbatchArguments);
        Assert.Equal(TimeSpan.FromMinutes(30), invocations["Summary"].Walltime);
        Assert.Null(invocations["Summary"].Scheduler!.Partition);
    }

    [Fact]
    public async Task Moving_a_target_to_another_queue_or_time_rebuilds_nothing()
    {
        await Build(new TwoQueues());

        var (outcome, invocations) = await Build(new TwoQueues(partition: "debug", minutesPerQuad: 1));

        Assert.Empty(invocations);
        Assert.All(outcome.Nodes, n => Assert.Equal(NodeState.UpToDate, n.State));
    }

    [Fact]
    public async Task Command_line_beats_profile_per_target_beats_DSL_beats_profile_defaults()
    {
        var profile = new SchedulerProfile
        {
            Defaults = new SchedulerSettings { Partition = "debug", Account = "everyone", Qos = "normal", Walltime = TimeSpan.FromMinutes(5) },
            ByTarget = new Dictionary<string, SchedulerSettings>
            {
                ["Catalogs"] = new() { Account = "desi-long", Walltime = TimeSpan.FromHours(2) },
                ["Summary"] = new() { Qos = "debug" },
            },
            CommandLine = new Dictionary<string, SchedulerSettings> { ["Catalogs"] = new() { Account = "mine" } },
        };

        var (_, invocations) = await Build(new TwoQueues(), profile);

        var catalogs = invocations["Catalogs[quad=1]"];
        Assert.Equal("mine", catalogs.Scheduler!.Account);         // command line over profile per target
        Assert.Equal(TimeSpan.FromHours(2), catalogs.Walltime);    // profile per target over the DSL's lambda
        Assert.Equal("long", catalogs.Scheduler.Partition);        // DSL over profile defaults
        Assert.Equal("shared", catalogs.Scheduler.Qos);
        var summary = invocations["Summary"];
        Assert.Equal("debug", summary.Scheduler!.Partition);       // profile defaults where nothing else says
        Assert.Equal("everyone", summary.Scheduler.Account);
        Assert.Equal("debug", summary.Scheduler.Qos);
        Assert.Equal(TimeSpan.FromMinutes(30), summary.Walltime);  // DSL over profile defaults
    }

    [Fact]
    public async Task A_profile_time_for_a_target_means_its_wall_time_lambda_is_never_called()
    {
        var profile = new SchedulerProfile { ByTarget = new Dictionary<string, SchedulerSettings> { ["Catalogs"] = new() { Walltime = TimeSpan.FromHours(1) } } };

        var (outcome, invocations) = await Build(new ThrowingWalltime(), profile);

        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Nodes.Select(n => n.Error)));
        Assert.Equal(TimeSpan.FromHours(1), invocations["Catalogs"].Walltime);
    }

    private sealed class ThrowingWalltime : Pipeline
    {
        Target Catalogs => _ => _.Walltime(_ => throw new InvalidOperationException("not to be called")).Output("c.txt").Executes("write", "{out}", "c");
    }

    private sealed class Recording(IExecutor inner) : IExecutor
    {
        public Dictionary<string, Invocation> Invocations { get; } = [];
        public List<string> Calls { get; } = [];
        public Dictionary<string, Invocation> Probes { get; } = [];
        public string Name => inner.Name;

        public void Preflight(IReadOnlyList<Invocation> targets)
        {
            Calls.Add("preflight");
            foreach (var t in targets) Probes[t.Target] = t;
        }
        public int Running => inner.Running;
        public bool CanStart(Invocation invocation) => inner.CanStart(invocation);

        public void Start(Invocation invocation, TaskSpec task)
        {
            Invocations[invocation.Node] = invocation;
            Calls.Add("start");
            inner.Start(invocation, task);
        }

        public void Flush() => inner.Flush();
        public Task<IReadOnlyList<RunResult>> WaitAsync(CancellationToken cancellation) => inner.WaitAsync(cancellation);
        public void CancelAll() => inner.CancelAll();
        public void Dispose() => inner.Dispose();
    }
}

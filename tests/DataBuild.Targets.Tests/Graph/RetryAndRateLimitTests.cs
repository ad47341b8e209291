using DataBuild.State;
using DataBuild.Execution;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;
using Node = DataBuild.Graph.Node;
using NodeSelector = DataBuild.Graph.NodeSelector;
using TargetRun = DataBuild.Graph.TargetRun;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>Polite use of external services: retries that back off, retry only what is transient, and rate limits across targets.</summary>
public sealed class RetryAndRateLimitTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>Hears when each task is handed to the executor, on the driver's clock.</summary>
    private sealed class StartTimes(FakeClock clock) : IBuildReporter
    {
        public List<(string Node, TimeSpan At)> Starts { get; } = [];
        public void Materialized(TargetRun target) { }
        public void Checked(Node node) { }
        public void Started(Node node) => Starts.Add((node.Name, clock.Elapsed));
        public void Finished(Node node, RunResult result, bool willRetry) { }
    }

    private async Task<(BuildOutcome Outcome, StartTimes Starts)> Build(Pipeline pipeline, params string[] selectors)
    {
        var reporter = new StartTimes(_ws.Clock);
        using var executor = new LocalExecutor(new NodeRunner(_ws.Files, _ws.Processes, _ws.Clock), 8, memoryMb: 1 << 20, gpus: 0);
        var options = new BuildOptions { Selectors = selectors.Select(NodeSelector.Parse).ToList(), KeepGoing = true };
        var outcome = await new BuildSession(PipelineModel.Load(pipeline), _ws.Workspace, _ws.State, executor, reporter, options).RunAsync(CancellationToken.None);
        return (outcome, reporter);
    }

    private sealed class Transient : Pipeline
    {
        Target Fetch => _ => _.Output("lc.txt").Retries(3, backoff: TimeSpan.FromSeconds(2), max: TimeSpan.FromSeconds(5)).Executes("flaky", "3", "{out}");
    }

    [Fact]
    public async Task A_transient_failure_is_retried_after_waits_that_double_up_to_the_max_each_jittered_between_half_and_all()
    {
        var (outcome, starts) = await Build(new Transient(), "Fetch");

        Assert.Equal(["Fetch"], outcome.BuiltNodes());
        Assert.Equal(4, starts.Starts.Count);
        var waits = starts.Starts.Zip(starts.Starts.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).ToList();
        Assert.InRange(waits[0], 1.0, 2.0);
        Assert.InRange(waits[1], 2.0, 4.0);
        Assert.InRange(waits[2], 2.5, 5.0); // 8 s, capped at 5
        var attempts = _ws.State.History("Fetch").OrderBy(b => b.Attempt).Select(b => (b.Attempt, b.Status, b.ExitCode)).ToList();
        Assert.Equal([(1, BuildStatus.Failed, (int?)3), (2, BuildStatus.Failed, 3), (3, BuildStatus.Failed, 3), (4, BuildStatus.Succeeded, 0)], attempts);
    }

    private sealed class Selective : Pipeline
    {
        Target Unavailable => _ => _.Output("a.txt").Retries(2).RetryOn(3, 75).Executes("flaky", "1", "{out}");

        Target Broken => _ => _.Output("b.txt").Retries(2).RetryOn(3, 75).Executes("fail");
    }

    [Fact]
    public async Task Only_failures_with_the_exit_codes_of_RetryOn_are_retried_and_a_real_error_fails_at_once()
    {
        var (outcome, starts) = await Build(new Selective(), "Unavailable", "Broken");

        Assert.Equal(["Unavailable"], outcome.BuiltNodes());
        Assert.Equal(["Broken"], outcome.Named(DataBuild.Graph.NodeState.Failed));
        Assert.Equal(1, starts.Starts.Count(s => s.Node == "Broken"));
        Assert.Equal(2, starts.Starts.Count(s => s.Node == "Unavailable"));
    }

    private sealed class Archives : Pipeline
    {
        Target Ztf => _ => _.PartitionedBy("chunk", [0, 1, 2, 3, 4, 5]).Output("ztf/{chunk}").RateLimit("archive", 2, RatePer.Second).Executes("write", "{out}", "ztf");

        Target Wise => _ => _.PartitionedBy("chunk", [0, 1, 2, 3]).Output("wise/{chunk}").RateLimit("archive", 2, RatePer.Second).Executes("write", "{out}", "wise");

        Target Local => _ => _.PartitionedBy("chunk", [0, 1, 2]).Output("local/{chunk}").Executes("write", "{out}", "local");
    }

    [Fact]
    public async Task A_rate_limit_holds_across_every_target_naming_it_and_holds_back_no_other_target()
    {
        var (outcome, starts) = await Build(new Archives(), "Ztf", "Wise", "Local");

        Assert.Equal(13, outcome.BuiltNodes().Length);
        var limited = starts.Starts.Where(s => !s.Node.StartsWith("Local", StringComparison.Ordinal)).Select(s => s.At).Order().ToList();
        Assert.Equal(10, limited.Count);
        for (var i = 0; i + 2 < limited.Count; i++)
            Assert.True(limited[i + 2] - limited[i] >= TimeSpan.FromSeconds(1), $"three archive starts within a second: {string.Join(", ", limited)}");
        Assert.Equal(TimeSpan.FromSeconds(4), limited[^1]); // 10 starts at 2 a second: the last at 4 s, not later
        Assert.All(starts.Starts.Where(s => s.Node.StartsWith("Local", StringComparison.Ordinal)), s => Assert.Equal(TimeSpan.Zero, s.At));
    }

    /// <summary>A local executor whose tasks, like Slurm workers, would take their own starts: it records what it is handed.</summary>
    private sealed class SelfPacing(IExecutor inner) : IExecutor
    {
        public List<Invocation> Handed { get; } = [];
        public string Name => "self-pacing";
        public int Running => inner.Running;
        public bool PacesRateLimits => true;
        public bool CanStart(Invocation invocation) => inner.CanStart(invocation);
        public void Start(Invocation invocation, TaskSpec task) { Handed.Add(invocation); inner.Start(invocation, task); }
        public void Flush() => inner.Flush();
        public Task<IReadOnlyList<RunResult>> WaitAsync(CancellationToken cancellation) => inner.WaitAsync(cancellation);
        public void CancelAll() => inner.CancelAll();
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public async Task An_executor_whose_tasks_take_their_own_starts_gets_them_at_once_each_with_its_limit_resolved_for_its_partition()
    {
        var reporter = new StartTimes(_ws.Clock);
        using var executor = new SelfPacing(new LocalExecutor(new NodeRunner(_ws.Files, _ws.Processes, _ws.Clock), 8, memoryMb: 1 << 20, gpus: 0));
        var options = new BuildOptions { Selectors = [NodeSelector.Parse("Fetch")] };

        var outcome = await new BuildSession(PipelineModel.Load(new PerArchive()), _ws.Workspace, _ws.State, executor, reporter, options).RunAsync(CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.All(reporter.Starts, s => Assert.Equal(TimeSpan.Zero, s.At));
        Assert.Equal(6, executor.Handed.Count);
        Assert.All(executor.Handed, i => Assert.Equal(new InvocationRateLimit(i.Partition.Contains("archive=ztf") ? "ztf" : "wise", 1, TimeSpan.FromSeconds(1)), i.RateLimit));
    }

    private sealed class PerArchive : Pipeline
    {
        Target Fetch => _ => _.Partitions(() => from a in new[] { "ztf", "wise" } from c in new[] { 0, 1, 2 } select Key("archive", a, "chunk", c))
            .Output("lc/{archive}/{chunk}").RateLimit(k => k["archive"], 1, RatePer.Second).Executes("write", "{out}", "lc");
    }

    [Fact]
    public async Task A_limit_named_by_partition_holds_per_archive_and_lets_archives_run_side_by_side()
    {
        var (_, starts) = await Build(new PerArchive(), "Fetch");

        foreach (var archive in new[] { "ztf", "wise" })
        {
            var at = starts.Starts.Where(s => s.Node.Contains($"archive={archive}", StringComparison.Ordinal)).Select(s => s.At).Order().ToList();
            Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], at);
        }
    }

    [Fact]
    public void A_retry_on_exit_code_0_or_a_backoff_larger_than_its_max_is_a_definition_error()
    {
        Assert.Throws<PipelineDefinitionException>(() => PipelineModel.Load(new RetryOnZero()));
        Assert.Throws<PipelineDefinitionException>(() => PipelineModel.Load(new BackoffOverMax()));
    }

    private sealed class RetryOnZero : Pipeline
    {
        Target A => _ => _.Output("a").RetryOn(0).Executes("nothing");
    }

    private sealed class BackoffOverMax : Pipeline
    {
        Target A => _ => _.Output("a").Retries(2, TimeSpan.FromSeconds(10), max: TimeSpan.FromSeconds(1)).Executes("nothing");
    }
}

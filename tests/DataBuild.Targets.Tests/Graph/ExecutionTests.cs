using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

public sealed class ExecutionTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class OneCommand(params string[] argv) : Pipeline
    {
        Target Make => _ => _.Output("out/made.txt").Executes(argv);
    }

    private async Task<Node> BuildOne(params string[] argv)
    {
        var outcome = await _ws.Build(new OneCommand(argv));
        return outcome.Node("Make");
    }

    [Fact]
    public async Task A_task_that_does_not_write_its_declared_output_fails_and_says_where_to_write()
    {
        var node = await BuildOne("nothing");

        Assert.Equal(NodeState.Failed, node.State);
        Assert.StartsWith("declared output 'out' (out/made.txt) was not written. The task must write it to the staging path", node.Error);
    }

    [Fact]
    public async Task A_task_that_writes_an_undeclared_output_fails_and_nothing_is_moved_into_place()
    {
        var node = await BuildOne("undeclared", "{out}");

        Assert.Equal(NodeState.Failed, node.State);
        Assert.Equal("the task wrote an undeclared output '0/made.txt.extra' next to its outputs; declare it with .Output(...) or write it elsewhere.", node.Error);
        Assert.False(_ws.Files.Exists("out/made.txt"));
    }

    [Fact]
    public async Task A_missing_program_fails_the_node_with_the_start_error()
    {
        var node = await BuildOne("no-such-program", "{out}");

        Assert.Equal(NodeState.Failed, node.State);
        Assert.Contains("no-such-program", node.Error);
    }

    private sealed class FlakyPipeline(int retries) : Pipeline
    {
        Target Flaky => _ => _.Output("flaky.txt").Retries(retries).Executes("flaky", "2", "{out}");
    }

    [Fact]
    public async Task A_failing_task_is_retried_up_to_its_retry_count()
    {
        var outcome = await _ws.Build(new FlakyPipeline(retries: 2));

        Assert.Equal(NodeState.Built, outcome.Node("Flaky").State);
        Assert.Equal(3, _ws.Processes.Runs.Count);
        Assert.Equal("finally", _ws.Files.ReadAllText("flaky.txt"));
    }

    [Fact]
    public async Task A_task_failing_more_often_than_its_retries_fails_the_build()
    {
        var outcome = await _ws.Build(new FlakyPipeline(retries: 1));

        Assert.Equal(NodeState.Failed, outcome.Node("Flaky").State);
        Assert.Equal("exit code 3; log: .databuild/logs/Flaky/_.log", outcome.Node("Flaky").Error);
        Assert.Equal(2, _ws.Processes.Runs.Count);
    }

    /// <summary>Broken fails; Good's partitions are independent of it; After depends on Broken.</summary>
    private sealed class PartlyBrokenPipeline : Pipeline
    {
        Target Broken => _ => _.Output("broken").Executes("fail");

        Target Good => _ => _.PartitionedBy("n", Enumerable.Range(0, 3)).Output("good/{n}").Executes("write", "{out}", "ok");

        Target After => _ => _.DependsOn(Broken).Output("after").Executes("cat", "{out}", "{deps:Broken}");
    }

    [Fact]
    public async Task Without_keep_going_a_failure_stops_starting_new_tasks()
    {
        var outcome = await _ws.Build(PipelineModel.Load(new PartlyBrokenPipeline()), new BuildOptions(), cores: 1);

        Assert.Equal(["Broken"], outcome.Named(NodeState.Failed));
        Assert.Empty(outcome.BuiltNodes());
        Assert.Single(_ws.Processes.Runs);
    }

    [Fact]
    public async Task With_keep_going_independent_work_finishes_and_dependents_of_the_failure_are_blocked()
    {
        var outcome = await _ws.Build(PipelineModel.Load(new PartlyBrokenPipeline()), new BuildOptions { KeepGoing = true }, cores: 1);

        Assert.Equal(["Broken"], outcome.Named(NodeState.Failed));
        Assert.Equal(["Good[n=0]", "Good[n=1]", "Good[n=2]"], outcome.BuiltNodes());
        Assert.Equal(["After"], outcome.Named(NodeState.Blocked));
        Assert.Equal("upstream Broken failed", outcome.Node("After").Error);
    }

    /// <summary>Eight tasks that each wait until three run at once (or a quarter second passes).</summary>
    private sealed class HoldPipeline(bool capped) : Pipeline
    {
        Target Held => _ => capped ? Define(_).ConcurrencyGroup("database", 2) : Define(_);

        private static ITargetDefinition Define(ITargetDefinition d) =>
            d.PartitionedBy("n", Enumerable.Range(0, 8)).Output("held/{n}").Executes("hold", "3", "{out}");
    }

    [Fact]
    public async Task A_concurrency_group_never_runs_more_than_its_cap_at_once()
    {
        var outcome = await _ws.Build(PipelineModel.Load(new HoldPipeline(capped: true)), new BuildOptions(), cores: 8);

        Assert.True(outcome.Succeeded);
        Assert.Equal(2, _ws.Processes.MaxConcurrent);
    }

    /// <summary>Eight tasks of <paramref name="cores"/> cores each in a group capped at 8 cores.</summary>
    private sealed class CoreCappedPipeline(int cores) : Pipeline
    {
        Target Held => _ => _.PartitionedBy("n", Enumerable.Range(0, 8)).Cores(cores).ConcurrencyGroup("database", 8, CapUnit.Cores)
            .Output("held/{n}").Executes("hold", "3", "{out}");
    }

    [Fact]
    public async Task A_cap_in_cores_counts_each_multithreaded_task_by_its_cores()
    {
        var outcome = await _ws.Build(PipelineModel.Load(new CoreCappedPipeline(cores: 4)), new BuildOptions(), cores: 32);

        Assert.True(outcome.Succeeded);
        Assert.Equal(2, _ws.Processes.MaxConcurrent);
    }

    [Fact]
    public async Task A_task_wider_than_a_cap_in_cores_runs_alone_in_its_group_rather_than_never()
    {
        var outcome = await _ws.Build(PipelineModel.Load(new CoreCappedPipeline(cores: 12)), new BuildOptions(), cores: 96);

        Assert.True(outcome.Succeeded);
        Assert.Equal(1, _ws.Processes.MaxConcurrent);
    }

    [Fact]
    public async Task Without_a_concurrency_group_the_same_tasks_do_run_more_at_once()
    {
        var outcome = await _ws.Build(PipelineModel.Load(new HoldPipeline(capped: false)), new BuildOptions(), cores: 8);

        Assert.True(outcome.Succeeded);
        Assert.True(_ws.Processes.MaxConcurrent >= 3, $"at most {_ws.Processes.MaxConcurrent} ran at once");
    }

    private sealed class ResourcePipeline(int cores, long memoryMb) : Pipeline
    {
        Target Heavy => _ => _.Cores(cores).MemoryMb(memoryMb).Walltime(TimeSpan.FromMinutes(cores))
            .Output("heavy.txt").Executes("write", "{out}", "heavy");
    }

    [Fact]
    public async Task Changing_resources_does_not_change_the_task_key()
    {
        await _ws.Build(new ResourcePipeline(cores: 1, memoryMb: 100));

        var outcome = await _ws.Build(new ResourcePipeline(cores: 2, memoryMb: 4000));

        Assert.Equal(NodeState.UpToDate, outcome.Node("Heavy").State);
    }
}

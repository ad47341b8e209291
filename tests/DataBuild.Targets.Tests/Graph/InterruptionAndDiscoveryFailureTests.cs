using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

public sealed class InterruptionAndDiscoveryFailureTests
{
    private sealed class Copies : Pipeline
    {
        Target Copy => _ => _
            .PartitionedBy("i", Enumerable.Range(0, 5))
            .Input("raw", "raw/{i}")
            .Output("out/{i}")
            .Executes("cp", "{in:raw}", "{out}");
    }

    private sealed class BadDiscovery : Pipeline
    {
        Target Source => _ => _
            .Output("list.txt")
            .Executes("write", "{out}", "not a list");

        Target Items => _ => _
            .PartitionsFrom(Source, _ => throw new FormatException("line 1 is not name=value"))
            .Output("items/{item}")
            .Executes("write", "{out}", "x");
    }

    [Fact]
    public async Task An_interrupt_before_anything_runs_ends_the_build_as_cancelled_and_runs_nothing()
    {
        using var w = new TestWorkspace();
        for (var i = 0; i < 5; i++) w.Files.WriteAllText($"raw/{i}", $"{i}");
        using var executor = new LocalExecutor(new NodeRunner(w.Files, w.Processes, w.Clock), 2, 1 << 20, 0);
        using var interrupted = new CancellationTokenSource();
        interrupted.Cancel();
        var session = new BuildSession(PipelineModel.Load(new Copies()), w.Workspace, w.State, executor, SilentReporter.Instance,
            new BuildOptions { Selectors = [NodeSelector.Parse("Copy")] });

        var outcome = await session.RunAsync(interrupted.Token).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(outcome.Cancelled);
        Assert.False(outcome.Succeeded);
        Assert.Empty(w.Processes.Runs);
    }

    [Fact]
    public async Task A_discovery_that_throws_makes_its_target_unavailable_and_the_build_fail_with_the_source_named()
    {
        using var w = new TestWorkspace();

        var outcome = await w.Build(new BadDiscovery(), "Items");

        var items = outcome.Targets.Single(t => t.Name == "Items");
        Assert.Equal("discovering the partitions of Items from Source failed: line 1 is not name=value", items.Unavailable);
        Assert.False(outcome.Succeeded);
        Assert.Equal(["Source"], outcome.BuiltNodes());
    }
}

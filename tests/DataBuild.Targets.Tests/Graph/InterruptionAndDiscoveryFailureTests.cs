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
            .PartitionedBy("f", [1, 2, 3])
            .Output("list-{f}.txt")
            .Executes("write", "{out}", "items");

        // Field 2's list is unreadable: its reader throws, the others yield two items each.
        Target Items => _ => _
            .PartitionsFrom(Source, s => s.Partition.ToString().Contains("f=2", StringComparison.Ordinal)
                ? throw new FormatException("line 1 is not name=value")
                : [PartitionKey.Of("item", "a"), PartitionKey.Of("item", "b")])
            .Output("items/{f}-{item}")
            .Executes("write", "{out}", "x");
    }

    private sealed class ThrowingStep(DataBuild.Testing.InMemoryFileSystem files) : Pipeline
    {
        Target Step => _ => _
            .PartitionedBy("i", [1, 2, 3])
            .Output("step/{i}")
            .Executes(ctx =>
            {
                if (ctx["i"] == "2") throw new InvalidDataException("row 7 of the catalog has no flux");
                if (ctx["i"] == "3") throw new IOException("raw/3.parquet: cannot read column 'ra' in row group 0: Invalid copy offset");
                files.WriteAllText(ctx.Output(), "ok");
            }, version: "1");
    }

    [Fact]
    public async Task A_CSharp_step_that_throws_fails_its_node_alone_with_the_exception_message_and_keep_going_builds_the_rest_and_a_failed_read_is_its_message_alone()
    {
        using var w = new TestWorkspace();

        var outcome = await w.Build(PipelineModel.Load(new ThrowingStep(w.Files)), new BuildOptions { Selectors = [NodeSelector.Parse("Step")], KeepGoing = true });

        var failed = outcome.Nodes.Where(n => n.State == NodeState.Failed).ToArray();
        Assert.Equal(["Step[i=2]", "Step[i=3]"], failed.Select(n => n.Name));
        Assert.StartsWith("InvalidDataException: row 7 of the catalog has no flux; log: ", failed[0].Error);
        // A failed read (a damaged input) is its message alone: it names the file.
        Assert.StartsWith("raw/3.parquet: cannot read column 'ra' in row group 0: Invalid copy offset; log: ", failed[1].Error);
        Assert.Equal(["Step[i=1]"], outcome.BuiltNodes());
        Assert.False(outcome.Succeeded);
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
    public async Task A_source_whose_partitions_cannot_be_read_fails_the_build_naming_it_and_its_file_while_keep_going_builds_the_other_sources_partitions()
    {
        using var w = new TestWorkspace();

        var outcome = await w.Build(PipelineModel.Load(new BadDiscovery()), new BuildOptions { Selectors = [NodeSelector.Parse("Items")], KeepGoing = true });

        var items = outcome.Targets.Single(t => t.Name == "Items");
        var error = Assert.Single(items.DiscoveryErrors);
        Assert.StartsWith("discovering the partitions of Items from Source[f=2] failed: line 1 is not name=value (reading list-2.txt", error);
        Assert.Null(items.Unavailable);
        Assert.False(outcome.Succeeded);
        Assert.Equal(["Items[f=1,item=a]", "Items[f=1,item=b]", "Items[f=3,item=a]", "Items[f=3,item=b]", "Source[f=1]", "Source[f=2]", "Source[f=3]"],
            outcome.BuiltNodes().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_keep_going_a_source_whose_partitions_cannot_be_read_stops_the_build_before_its_target_runs()
    {
        using var w = new TestWorkspace();

        var outcome = await w.Build(new BadDiscovery(), "Items");

        Assert.Single(outcome.Targets.Single(t => t.Name == "Items").DiscoveryErrors);
        Assert.False(outcome.Succeeded);
        Assert.DoesNotContain(outcome.BuiltNodes(), n => n.StartsWith("Items", StringComparison.Ordinal));
    }
}

using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

public sealed class JoinAndDiscoveryTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>Calibration (one node) fans out to every field; Fields[field] -> Cleaned[field] one-to-one; Summary fans in.</summary>
    private sealed class JoinPipeline : Pipeline
    {
        Target Calibration => _ => _.Output("calibration.txt").Executes("write", "{out}", "cal");

        Target Raw => _ => _.PartitionedBy("field", new[] { 1, 2 }).Output("raw/f{field}").Executes("write", "{out}", "field {field}");

        Target Cleaned => _ => _
            .DependsOn(Raw, Calibration)
            .PartitionedBy("field", new[] { 1, 2 })
            .Output("cleaned/f{field}")
            .Executes("cat", "{out}", "{deps:Calibration}", "{deps:Raw}");

        Target Summary => _ => _.DependsOn(Cleaned).Output("summary.txt").Executes("cat", "{out}", "{deps:Cleaned}");
    }

    private static string[] UpstreamOf(BuildOutcome outcome, string node) =>
        outcome.Node(node).AllDependencies.Select(i => outcome.Nodes[i].Name).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Joins_on_shared_dimensions_give_one_to_one_fan_out_and_fan_in()
    {
        var outcome = await _ws.Build(new JoinPipeline());

        Assert.True(outcome.Succeeded);
        Assert.Equal(["Calibration", "Raw[field=1]"], UpstreamOf(outcome, "Cleaned[field=1]"));
        Assert.Equal(["Calibration", "Raw[field=2]"], UpstreamOf(outcome, "Cleaned[field=2]"));
        Assert.Equal(["Cleaned[field=1]", "Cleaned[field=2]"], UpstreamOf(outcome, "Summary"));
        Assert.Equal("calfield 1calfield 2", _ws.Files.ReadAllText("summary.txt"));
    }

    /// <summary>Quads listed field by field, joined by ccd: the joined dimension changes from one upstream node to the next.</summary>
    private sealed class InterleavedJoin : Pipeline
    {
        Target Quads => _ => _
            .Partitions(() => [Key("field", 1, "ccd", 1), Key("field", 1, "ccd", 2), Key("field", 2, "ccd", 1), Key("field", 2, "ccd", 2), Key("field", 3, "ccd", 1)])
            .Output("quads/f{field}c{ccd}")
            .Executes("write", "{out}", "{field}.{ccd} ");

        Target PerCcd => _ => _.DependsOn(Quads).PartitionedBy("ccd", new[] { 1, 2 }).Output("ccd/c{ccd}").Executes("cat", "{out}", "{deps:Quads}");
    }

    [Fact]
    public async Task A_join_finds_every_match_when_upstream_partitions_are_not_grouped_by_the_joined_dimension()
    {
        var outcome = await _ws.Build(new InterleavedJoin());

        Assert.True(outcome.Succeeded);
        Assert.Equal(["Quads[field=1,ccd=1]", "Quads[field=2,ccd=1]", "Quads[field=3,ccd=1]"], UpstreamOf(outcome, "PerCcd[ccd=1]"));
        Assert.Equal(["Quads[field=1,ccd=2]", "Quads[field=2,ccd=2]"], UpstreamOf(outcome, "PerCcd[ccd=2]"));
        Assert.Equal("1.1 2.1 3.1 ", _ws.Files.ReadAllText("ccd/c1"));
    }

    /// <summary>Fields lists its quads in a file; Quads is discovered from it.</summary>
    private sealed class DiscoveryPipeline(InMemoryFileSystem files) : Pipeline
    {
        public int Discoveries;

        Target Fields => _ => _
            .PartitionedBy("field", new[] { 7 })
            .Input("list", "lists/f{field}")
            .Output("quads/f{field}.txt")
            .Executes("cp", "{in:list}", "{out}");

        Target Quads => _ => _
            .PartitionsFrom(Fields, source =>
            {
                Interlocked.Increment(ref Discoveries);
                using var reader = new StreamReader(files.OpenRead(source.Output()));
                return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(q => PartitionKey.Of("quad", q)).ToList();
            })
            .Output("quads/f{field}/q{quad}")
            .Executes("write", "{out}", "{field}/{quad}");

        Target Missing => _ => _
            .DependsOn(Fields, key => [PartitionKey.Of("field", 99)])
            .PartitionedBy("field", new[] { 7 })
            .Output("missing/f{field}")
            .Executes("cat", "{out}", "{deps:Fields}");
    }

    [Fact]
    public async Task Dynamic_partitions_are_discovered_from_the_source_output_and_cached()
    {
        _ws.Files.WriteAllText("lists/f7", "0\n3\n");
        var first = new DiscoveryPipeline(_ws.Files);
        var firstOutcome = await _ws.Build(first, "Quads");
        var bytesBefore = _ws.Files.BytesRead;
        var second = new DiscoveryPipeline(_ws.Files);

        var secondOutcome = await _ws.Build(second, "Quads");

        Assert.Equal(["Fields[field=7]", "Quads[field=7,quad=0]", "Quads[field=7,quad=3]"], firstOutcome.BuiltNodes());
        Assert.Equal("7/3", _ws.Files.ReadAllText("quads/f7/q3"));
        Assert.Equal(1, first.Discoveries);
        Assert.Equal(0, second.Discoveries);
        Assert.Equal(bytesBefore, _ws.Files.BytesRead);
        Assert.Equal(3, secondOutcome.Count(NodeState.UpToDate));
    }

    [Fact]
    public async Task Dynamic_partitions_are_discovered_again_when_the_source_changes()
    {
        _ws.Files.WriteAllText("lists/f7", "0\n");
        await _ws.Build(new DiscoveryPipeline(_ws.Files), "Quads");
        _ws.Files.WriteAllText("lists/f7", "0\n5\n");

        var outcome = await _ws.Build(new DiscoveryPipeline(_ws.Files), "Quads");

        Assert.Equal(["Fields[field=7]", "Quads[field=7,quad=5]"], outcome.BuiltNodes());
        Assert.Equal(NodeState.UpToDate, outcome.Node("Quads[field=7,quad=0]").State);
    }

    [Fact]
    public async Task A_mapped_dependency_on_a_partition_that_does_not_exist_fails_with_a_clear_error()
    {
        _ws.Files.WriteAllText("lists/f7", "0\n");

        var outcome = await _ws.Build(new DiscoveryPipeline(_ws.Files), "Missing");

        var node = outcome.Node("Missing[field=7]");
        Assert.Equal(NodeState.Failed, node.State);
        Assert.Equal("Missing[field=7] depends on Fields[field=99], which is not a partition of Fields.", node.Error);
        Assert.False(outcome.Succeeded);
    }

    private sealed class CyclePipeline : Pipeline
    {
        Target A => _ => _.DependsOn(B).Output("a").Executes("write", "{out}", "a");

        Target B => _ => _.DependsOn(A).Output("b").Executes("write", "{out}", "b");
    }

    [Fact]
    public void A_circular_dependency_is_reported_with_its_chain()
    {
        var error = Assert.Throws<PipelineDefinitionException>(() => PipelineModel.Load(new CyclePipeline()));

        Assert.Equal("Circular dependency: A -> B -> A.", error.Message);
    }
}

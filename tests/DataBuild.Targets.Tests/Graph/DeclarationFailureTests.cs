using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>Pipeline code evaluated per partition that throws fails that node only; -k goes on with the rest.</summary>
public sealed class DeclarationFailureTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    // Quad 2's declarations read a damaged input; quads 0, 1 and 3 are fine; Summary needs every quad.
    private sealed class OneBadQuad(string broken) : Pipeline
    {
        Target Features => _ => _
            .PartitionedBy("quad", Enumerable.Range(0, 4))
            .Parameter("threshold", p => broken == "parameter" && p["quad"] == "2" ? throw new InvalidDataException("raw/q2.parquet: truncated") : 0.5)
            .MemoryMb(r => broken == "memory" && r.Partition["quad"] == "2" ? throw new InvalidDataException("raw/q2.parquet: truncated") : 64)
            .Walltime(r => broken == "walltime" && r.Partition["quad"] == "2" ? throw new InvalidDataException("raw/q2.parquet: truncated") : TimeSpan.FromMinutes(5))
            .Output("features/q{quad}")
            .Executes("write", "{out}", "features {quad}");

        Target Mapped => _ => _
            .PartitionedBy("quad", Enumerable.Range(0, 4))
            .DependsOn(Features, p => broken == "mapping" && p["quad"] == "2" ? throw new KeyNotFoundException("no quad 2 in the index") : new[] { p })
            .Output("mapped/q{quad}")
            .Executes("cat", "{out}", "{deps:Features}");

        Target Summary => _ => _.DependsOn(Mapped).Output("summary.txt").Executes("cat", "{out}", "{deps:Mapped}");
    }

    private Task<BuildOutcome> KeepGoing(string broken) =>
        _ws.Build(PipelineModel.Load(new OneBadQuad(broken)), new BuildOptions { KeepGoing = true }, cores: 1);

    [Theory]
    [InlineData("parameter", "parameter 'threshold' could not be evaluated: raw/q2.parquet: truncated")]
    [InlineData("memory", "its memory estimate (.MemoryMb) failed: raw/q2.parquet: truncated")]
    [InlineData("walltime", "its time limit (.Walltime) failed: raw/q2.parquet: truncated")]
    [InlineData("mapping", "mapping its dependency on Features failed: no quad 2 in the index")]
    public async Task A_throwing_declaration_fails_its_node_with_the_message_and_keep_going_builds_the_rest(string broken, string error)
    {
        var outcome = await KeepGoing(broken);

        var failed = Assert.Single(outcome.Nodes, n => n.State == NodeState.Failed);
        Assert.Equal(broken == "mapping" ? "Mapped[quad=2]" : "Features[quad=2]", failed.Name);
        Assert.Equal(error, failed.Error);
        Assert.Equal(broken == "mapping" ? 7 : 6, outcome.BuiltNodes().Length);
        Assert.Equal(NodeState.Blocked, outcome.Node("Summary").State);
        Assert.False(outcome.Succeeded);
    }

    [Fact]
    public async Task Without_keep_going_the_build_stops_after_the_failed_declaration_and_still_records_what_finished()
    {
        var outcome = await _ws.Build(PipelineModel.Load(new OneBadQuad("parameter")), new BuildOptions(), cores: 1);

        Assert.Equal(NodeState.Failed, outcome.Node("Features[quad=2]").State);
        Assert.False(outcome.Succeeded);
        Assert.DoesNotContain(outcome.Nodes, n => n.Target.Name == "Summary" && n.State == NodeState.Built);
    }
}

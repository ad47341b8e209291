using DataBuild.Model;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Docs;

/// <summary>The example test of docs/authoring.md ("Testing a pipeline"): a pipeline built on fakes, edited, rebuilt.</summary>
public sealed class AuthoringGuideTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class Survey(string threshold) : Pipeline
    {
        Target Cleaned => _ => _
            .PartitionedBy("night", new[] { 1, 2 })
            .Input("raw", "raw/night{night}.txt")
            .Output("clean/night{night}.txt")
            .Executes("cp", "{in:raw}", "{out}");

        Target Summary => _ => _
            .DependsOn(Cleaned)
            .Parameter("threshold", threshold)
            .Output("summary.txt")
            .Executes("cat", "{out}", "{deps:Cleaned}");
    }

    [Fact]
    public async Task An_edited_input_rebuilds_its_partition_and_what_depends_on_it_and_nothing_else()
    {
        _ws.Files.WriteAllText("raw/night1.txt", "a\n");
        _ws.Files.WriteAllText("raw/night2.txt", "b\n");
        var first = await _ws.Build(new Survey("5"));
        Assert.Equal(["Cleaned[night=1]", "Cleaned[night=2]", "Summary"], first.BuiltNodes().Order());

        _ws.Files.WriteAllText("raw/night2.txt", "b, corrected\n");
        var second = await _ws.Build(new Survey("5"));

        Assert.Equal(["Cleaned[night=2]", "Summary"], second.BuiltNodes().Order());
        Assert.Equal("a\nb, corrected\n", _ws.Files.ReadAllText("summary.txt"));
    }

    [Fact]
    public async Task A_changed_parameter_rebuilds_only_the_target_that_declares_it()
    {
        _ws.Files.WriteAllText("raw/night1.txt", "a\n");
        _ws.Files.WriteAllText("raw/night2.txt", "b\n");
        await _ws.Build(new Survey("5"));

        var rebuilt = await _ws.Build(new Survey("6"));

        Assert.Equal(["Summary"], rebuilt.BuiltNodes());
    }
}

using DataBuild.Model;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>What each placeholder of an argv task becomes in the command that runs, and what a wrong one says.</summary>
public sealed class ArgvExpansionTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class EveryPlaceholder : Pipeline
    {
        Target Raw => _ => _
            .PartitionedBy("field", new[] { 7 })
            .Output("raw/f{field}")
            .Executes("write", "{out:out}", "raw");

        Target Features => _ => _
            .DependsOn(Raw)
            .PartitionedBy("field", new[] { 7 })
            .Input("cal", "cal/f{field}")
            .InputGlob("lcs", "lc/f{field}/*.txt")
            .Parameter("grid", 1000)
            .Parameter("band", key => key["field"] == "7" ? "g" : "r")
            .Cores(3)
            .Output("features/f{field}")
            .Executes("write", "{out}", "field={field};cal={in:cal};grid={param:grid};cores={cores}",
                "{in:lcs}", "{param:band}", "{deps:Raw}", "{deps:Raw:out}");
    }

    [Fact]
    public async Task Every_placeholder_expands_to_its_values_and_lone_ones_to_several_arguments()
    {
        _ws.Files.WriteAllText("cal/f7", "cal");
        _ws.Files.WriteAllText("lc/f7/b.txt", "b");
        _ws.Files.WriteAllText("lc/f7/a.txt", "a");

        var outcome = await _ws.Build(new EveryPlaceholder(), "Features");

        Assert.True(outcome.Succeeded);
        var argv = _ws.Processes.Runs.Single(r => r[0] == "write" && r[2] != "raw");
        Assert.EndsWith("/f7", argv[1]); // the staging path of {out}, moved into place afterwards
        Assert.Equal(["field=7;cal=cal/f7;grid=1000;cores=3", "lc/f7/a.txt", "lc/f7/b.txt", "g", "raw/f7", "raw/f7"], argv.Skip(2));
        Assert.Equal("field=7;cal=cal/f7;grid=1000;cores=3", _ws.Files.ReadAllText("features/f7"));
    }

    private sealed class SameNameTwice : Pipeline
    {
        Target Merged => _ => _
            .Input("data", "first.txt")
            .InputGlob("data", "second/*.txt")
            .Parameter("level", 1)
            .Config("level", "two")
            .Output("merged.txt")
            .Executes("cat", "{out}", "{in:data}", "{param:level}");
    }

    [Fact]
    public async Task A_later_input_of_the_same_name_gives_the_placeholder_its_values()
    {
        _ws.Files.WriteAllText("first.txt", "1");
        _ws.Files.WriteAllText("second/x.txt", "x");
        _ws.Files.WriteAllText("two", "2");

        var outcome = await _ws.Build(new SameNameTwice());

        Assert.True(outcome.Succeeded);
        Assert.Equal(["second/x.txt", "two"], _ws.Processes.Runs.Single().Skip(2));
    }

    private sealed class Wrong(string[] argv) : Pipeline
    {
        Target Lists => _ => _.PartitionedBy("field", new[] { 7 }).Output("lists/f{field}").Executes("cat", "{out}");

        Target Broken => _ => _
            .DependsOn(Lists)
            .PartitionedBy("field", new[] { 7 })
            .Input("cal", "cal.txt")
            .Output("broken/f{field}")
            .Executes(argv);
    }

    [Theory]
    [InlineData("{in:calibration}", "Broken: {in:calibration} names no input. Inputs: cal.")]
    [InlineData("{param:grid}", "Broken: {param:grid} names no parameter. Parameters: .")]
    [InlineData("{ccd}", "Broken: unknown placeholder {ccd}. Use {out}, {out:name}, {in:name}, {deps:Target}, {param:name}, {cores}, {mem}, {gpus}, {tmp}, {checkpoint} or a dimension (field).")]
    [InlineData("{out:log}", "Broken: {out:log} names no output.")]
    [InlineData("{deps:Elsewhere}", "Broken: {deps:Elsewhere} names a target it does not depend on.")]
    public async Task A_wrong_placeholder_fails_its_node_and_says_what_there_is(string argument, string message)
    {
        _ws.Files.WriteAllText("cal.txt", "cal");

        var outcome = await _ws.Build(new Wrong(["cat", "{out}", argument]));

        var broken = outcome.Node("Broken[field=7]");
        Assert.Equal(DataBuild.Graph.NodeState.Failed, broken.State);
        Assert.Contains(message, broken.Error);
    }

    private sealed class Embedded : Pipeline
    {
        Target Merged => _ => _.InputGlob("parts", "parts/*").Output("merged.txt").Executes("cat", "{out}", "--parts={in:parts}");
    }

    [Fact]
    public async Task A_placeholder_with_several_values_inside_a_larger_argument_is_refused()
    {
        _ws.Files.WriteAllText("parts/a", "a");
        _ws.Files.WriteAllText("parts/b", "b");

        var outcome = await _ws.Plan(new Embedded());

        Assert.Equal("Merged: {in:parts} has 2 values, so it must be an argument of its own, not part of '--parts={in:parts}'.",
            outcome.Node("Merged").Error);
    }
}

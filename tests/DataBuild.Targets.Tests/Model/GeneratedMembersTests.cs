using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Targets.Tests.Model;

public enum Band { G, R, Z }

/// <summary>A partial pipeline deriving from Pipeline: DataBuild.Generators writes its members (see the test project file).</summary>
public sealed partial class GeneratedPipeline : Pipeline
{
    [Parameter("quads per field")] readonly int Quads = 4;
    [Parameter("a label")] readonly string Label = "x";
    [Parameter("fields")] readonly int[] Fields = [1];
    [Parameter("band")] readonly Band Band = Band.G;
    [Parameter("fast")] readonly bool Fast = false;
    [Parameter] readonly double Rate = 0.5;
    [Parameter("a limit, unset by default")] readonly int? Limit = null;
    [Parameter("an optional note")] readonly string? Note = null;
    readonly int _notAParameter = 0;

    Target Raw => _ => _.PartitionedBy("quad", Enumerable.Range(0, Quads)).Output("raw/q{quad}").Executes("write", "{out}", Label);
    Target Summary => _ => _.DependsOn(Raw, Closure).Output("summary.txt").Executes("cat", "{out}", "{deps:Raw}");
    Target Closure { get { var label = Label; return _ => _.Output("closure.txt").Executes("write", "{out}", label); } }
    static Target Static => _ => _;
    string NotATarget => "";
    Target this[int i] => _ => _;

    public (int, string, int[], Band, bool, double, int?, string?, int) Values => (Quads, Label, Fields, Band, Fast, Rate, Limit, Note, _notAParameter);
}

public sealed class GeneratedMembersTests
{
    [Fact]
    public void The_generator_finds_the_parameters_reflection_finds_in_the_same_order()
    {
        var pipeline = new GeneratedPipeline();
        Assert.NotNull(((Pipeline)pipeline).Members);

        var generated = ParameterDescriptor.For(pipeline);
        var reflected = ParameterDescriptor.For(typeof(GeneratedPipeline));

        Assert.Equal(["Quads", "Label", "Fields", "Band", "Fast", "Rate", "Limit", "Note"], generated.Select(p => p.Name));
        Assert.Equal(reflected.Select(p => (p.Name, p.Type, p.Description, p.Option, p.EnvironmentVariable)),
            generated.Select(p => (p.Name, p.Type, p.Description, p.Option, p.EnvironmentVariable)));
        Assert.Equal(reflected.Select(p => p.Format(pipeline)), generated.Select(p => p.Format(pipeline)));
    }

    [Fact]
    public void The_generator_finds_the_targets_reflection_finds_in_the_same_order()
    {
        var generated = ((Pipeline)new GeneratedPipeline()).Members!.Targets;

        Assert.Equal(["Raw", "Summary", "Closure"], generated);
        Assert.Equal(PipelineModel.TargetGetters(typeof(GeneratedPipeline)).Select(g => g.Name["get_".Length..]), generated);
    }

    [Fact]
    public void Generated_setters_bind_readonly_fields_of_every_kind()
    {
        var pipeline = new GeneratedPipeline();
        ParameterBinder.Bind(pipeline, ParameterDescriptor.For(pipeline), null, new Dictionary<string, string?> { ["DATABUILD_RATE"] = "0.25" }, new Dictionary<string, List<string>>
        {
            ["quads"] = ["7"], ["label"] = ["deep"], ["fields"] = ["296", "297"], ["band"] = ["z"], ["fast"] = [], ["limit"] = ["3"], ["note"] = ["n"],
        });

        var (quads, label, fields, band, fast, rate, limit, note, other) = pipeline.Values;
        Assert.Equal((7, "deep", Band.Z, true, 0.25, (int?)3, "n", 0), (quads, label, band, fast, rate, limit, note, other));
        Assert.Equal([296, 297], fields);
    }

    [Fact]
    public void A_model_from_generated_members_resolves_dependencies_on_plain_and_closure_targets()
    {
        var model = PipelineModel.Load(new GeneratedPipeline());

        Assert.Equal(["Raw", "Closure", "Summary"], model.Order);
        Assert.Equal(["Raw", "Closure"], model.Get("Summary").Upstream);
    }
}

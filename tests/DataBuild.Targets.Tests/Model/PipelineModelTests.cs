using DataBuild.Model;

namespace DataBuild.Targets.Tests.Model;

public sealed class PipelineModelTests
{
    private static TargetSpec Spec(string name, string[] dependencies, string? dynamicSource = null) => new()
    {
        Name = name,
        Dependencies = dependencies.Select(d => new DependencySpec(d, null)).ToList(),
        DynamicSource = dynamicSource,
    };

    [Fact]
    public void Upstream_names_each_dependency_once_in_declaration_order_then_the_partition_source()
    {
        Assert.Equal(["B", "A"], Spec("T", ["B", "A", "B"]).Upstream);
        Assert.Equal(["B", "A", "C"], Spec("T", ["B", "A"], dynamicSource: "C").Upstream);
        Assert.Equal(["B", "A"], Spec("T", ["B", "A"], dynamicSource: "A").Upstream);
        Assert.Empty(Spec("T", []).Upstream);
    }

    [Fact]
    public void A_closure_is_the_requested_targets_and_everything_upstream_in_build_order()
    {
        var model = PipelineModel.FromSpecs([
            Spec("Report", ["Features", "Catalog"]),
            Spec("Features", ["Raw"]),
            Spec("Raw", []),
            Spec("Catalog", [], dynamicSource: "Raw"),
            Spec("Unrelated", ["Raw"]),
        ]);

        Assert.Equal(["Raw", "Features", "Catalog", "Report"], model.Closure(["Report"]).Select(s => s.Name));
        Assert.Equal(["Raw", "Catalog"], model.Closure(["Catalog"]).Select(s => s.Name));
        Assert.Equal(["Raw", "Unrelated"], model.Closure(["Unrelated"]).Select(s => s.Name));
        var error = Assert.Throws<DataBuild.Model.UsageException>(() => model.Closure(["Report", "unrelated"]));
        Assert.Equal("Unknown target 'unrelated'. Did you mean 'Unrelated'?", error.Message);
    }

    private class SharedTargets : Pipeline
    {
        protected Target Fetch => _ => _.Output("fetched.txt").Executes("write", "{out}", "x");
    }

    private sealed class Survey : SharedTargets
    {
        Target Report => _ => _.DependsOn(Fetch, Clean).Output("report.txt").Executes("cat", "{out}", "{deps:Fetch}");
        Target Clean => _ => _.DependsOn(Fetch).Output("clean.txt").Executes("cat", "{out}", "{deps:Fetch}");
        string Note => "not a target";
        Target this[int i] => _ => _; // an indexer is not a target
    }

    [Fact]
    public void Targets_are_the_Target_properties_of_the_pipeline_and_its_bases_in_declaration_order()
    {
        var model = PipelineModel.Load(new Survey());

        Assert.Equal(["Fetch", "Clean", "Report"], model.Order);
        Assert.Equal(["Clean", "Fetch", "Report"], model.Targets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Fetch", "Clean"], model.Get("Report").Upstream);
    }

    private sealed class PartlyBroken : Pipeline
    {
        Target Raw => _ => _.Output("raw.txt").Executes("write", "{out}", "x");
        Target Summary => _ => _.DependsOn(Raw).Output("summary.txt").Executes("cat", "{out}", "{deps:Raw}");
        Target Broken => _ => throw new InvalidOperationException("a definition that fails");
        Target Other => _ => _.Output("other.txt").Executes("write", "{out}", "y");
    }

    [Fact]
    public void A_model_of_what_a_build_needs_evaluates_only_those_definitions()
    {
        var model = PipelineModel.Load(new PartlyBroken(), ["Summary"]);

        Assert.Equal(["Raw", "Summary"], model.Order);
        Assert.Equal(["Raw", "Summary"], model.Closure(["Summary"]).Select(t => t.Name));
        Assert.Throws<PipelineDefinitionException>(() => model.Get("Other"));
        var error = Assert.Throws<InvalidOperationException>(() => PipelineModel.Load(new PartlyBroken()));
        Assert.Equal("a definition that fails", error.Message);
    }

    [Fact]
    public void A_name_that_is_no_target_is_reported_with_every_declared_target()
    {
        var model = PipelineModel.Load(new PartlyBroken(), ["summary", "Nope"]);

        Assert.Empty(model.Order);
        Assert.Equal("Unknown target 'summary'. Did you mean 'Summary'?", Assert.Throws<DataBuild.Model.UsageException>(() => model.Get("summary")).Message);
        Assert.Equal("Unknown target 'Nope'. Available targets are: Raw, Summary, Broken, Other.",
            Assert.Throws<DataBuild.Model.UsageException>(() => model.Get("Nope")).Message);
    }
}

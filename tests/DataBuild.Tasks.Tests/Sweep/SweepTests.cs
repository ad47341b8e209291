using System.Text.Json.Nodes;
using DataBuild.Tasks.Sweep;
using Xunit;

namespace DataBuild.Tasks.Tests.Sweep;

public class SweepTests
{
    private const string Defaults = """{"model":{"l2":0.001,"epochs":100},"data":{"seed":1,"tags":["a","b"]}}""";

    [Fact]
    public void A_line_is_merged_deeply_over_the_defaults_and_the_line_wins()
    {
        var run = Assert.Single(UnrolledParameterFile.Expand(Defaults, """{"model":{"l2":0.1},"data":{"tags":["c"]},"note":"x"}"""));

        Assert.Equal("""{"data":{"seed":1,"tags":["c"]},"model":{"epochs":100,"l2":0.1},"note":"x"}""", run.CanonicalJson);
        Assert.Equal(1, run.Line);
    }

    [Fact]
    public void Canonical_JSON_ignores_key_order_whitespace_and_number_spelling()
    {
        var a = JsonNode.Parse("""{"b": 1.0, "a": {"y": 2e-1, "x": [1, 2]}}""");
        var b = JsonNode.Parse("""{"a":{"x":[1,2],"y":0.2},"b":1}""");

        Assert.Equal(CanonicalJson.Write(b), CanonicalJson.Write(a));
        Assert.Equal("""{"a":{"x":[1,2],"y":0.2},"b":1}""", CanonicalJson.Write(a));
    }

    [Fact]
    public void Run_ids_are_stable_16_hex_digits_and_change_when_the_defaults_change()
    {
        const string lines = "{\"model\":{\"l2\":0.1}}\n\n{\"model\":{\"l2\":0.2}}\n";

        var first = UnrolledParameterFile.Expand(Defaults, lines);
        var again = UnrolledParameterFile.Expand(Defaults.Replace("\"epochs\":100", "\"epochs\": 100"), lines);
        var changed = UnrolledParameterFile.Expand(Defaults.Replace("\"epochs\":100", "\"epochs\":101"), lines);

        Assert.Equal([1, 3], first.Select(r => r.Line));
        Assert.All(first, r => Assert.Matches("^[0-9a-f]{16}$", r.RunId));
        Assert.NotEqual(first[0].RunId, first[1].RunId);
        Assert.Equal(first.Select(r => r.RunId), again.Select(r => r.RunId));
        Assert.Empty(first.Select(r => r.RunId).Intersect(changed.Select(r => r.RunId)));
        Assert.Equal("56a3f40a1eb57fd5", first[0].RunId); // pinned: an id must never change between versions
    }

    [Fact]
    public void Two_lines_giving_the_same_config_are_refused_naming_both_lines()
    {
        var error = Assert.Throws<FormatException>(() => UnrolledParameterFile.Expand(Defaults, "{\"model\":{\"l2\":0.1}}\n{\"model\":{\"l2\":1e-1}}"));
        Assert.Contains("Lines 1 and 2", error.Message);
    }

    [Fact]
    public void A_line_that_is_not_a_JSON_object_is_refused_with_its_line_number()
    {
        var error = Assert.Throws<FormatException>(() => UnrolledParameterFile.Expand(Defaults, "{}\n[1]"));
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void The_example_sweep_has_770_distinct_runs()
    {
        var runs = UnrolledParameterFile.Expand(ExampleSweep.DefaultsJson, ExampleSweep.UnrolledParameterFile());

        Assert.Equal(770, runs.Count);
        Assert.Equal(770, runs.Select(r => r.RunId).Distinct().Count());
    }

    [Fact]
    public void A_run_trains_and_scores_deterministically_and_learns_better_than_chance()
    {
        var runs = UnrolledParameterFile.Expand(ExampleSweep.DefaultsJson, ExampleSweep.UnrolledParameterFile());
        var run = runs.First(r => r.Config["model"]!["learning_rate"]!.GetValue<double>() == 0.5 && r.Config["model"]!["l2"]!.GetValue<double>() == 0.001);

        var scores = TrainingRun.Execute(run);

        Assert.Equal(scores, TrainingRun.Execute(run));
        Assert.Equal(run.RunId, scores.RunId);
        Assert.True(scores.ValidationAccuracy > 0.8, scores.ToString());
        Assert.True(scores.TrainLoss < Math.Log(2), scores.ToString());
    }

    [Fact]
    public void A_run_missing_a_setting_names_it()
    {
        var run = Assert.Single(UnrolledParameterFile.Expand(ExampleSweep.DefaultsJson, """{"model":{"epochs":null}}"""));
        var error = Assert.Throws<ArgumentException>(() => TrainingRun.Execute(run));
        Assert.Contains("'model.epochs' must be a number", error.Message);
    }
}

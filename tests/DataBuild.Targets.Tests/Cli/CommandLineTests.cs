using DataBuild.Cli;
using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Targets.Tests.Cli;

public sealed class CommandLineTests
{
    private static CommandLine Parse(params string[] args) => CommandLine.Parse(args, new HashSet<string> { "fast" });

    [Fact]
    public void A_command_word_targets_and_options_are_told_apart()
    {
        var line = Parse("why", "Features[quad=1]", "--fanout-quads", "200", "-j4", "--plan", "--state-dir=.s");

        Assert.Equal("why", line.Command);
        Assert.Equal(["Features[quad=1]"], line.Positional);
        Assert.Equal("200", line.Value("fanout-quads"));
        Assert.Equal("4", line.Value("jobs"));
        Assert.True(line.Has("plan"));
        Assert.Equal(".s", line.Value("state-dir"));
    }

    [Fact]
    public void An_option_takes_values_up_to_the_next_option_and_negative_numbers_are_values()
    {
        var line = Parse("Build", "--fields", "1", "-2", "3", "--fast", "Other");

        Assert.Null(line.Command);
        Assert.Equal(["1", "-2", "3"], line.Options["fields"]);
        Assert.Empty(line.Options["fast"]);
        Assert.Equal(["Build", "Other"], line.Positional);
    }

    [Fact]
    public void A_single_valued_option_leaves_the_next_word_as_a_target()
    {
        var line = Parse("--jobs", "2", "FanoutAll");

        Assert.Equal("2", line.Value("jobs"));
        Assert.Equal(["FanoutAll"], line.Positional);
    }

    [Fact]
    public void An_unknown_option_without_a_value_is_left_for_the_host_to_report_as_unknown()
    {
        var line = CommandLine.Parse(["Build", "--nope"], new HashSet<string> { "fast" }, new HashSet<string> { "fanout-quads" });

        Assert.True(line.Has("nope"));
        Assert.Equal("Option --fanout-quads needs a value.",
            Assert.Throws<UsageException>(() => CommandLine.Parse(["Build", "--fanout-quads"], new HashSet<string>(), new HashSet<string> { "fanout-quads" })).Message);
    }

    [Fact]
    public void Near_names_are_suggested_nearest_first_ignoring_case_and_far_ones_never()
    {
        string[] targets = ["Predictions", "CombinedPredictions", "Features", "Quads"];

        Assert.Equal(" Did you mean 'Predictions'?", NearNames.Hint("Predictons", targets));
        Assert.Equal(" Did you mean 'Quads'?", NearNames.Hint("quads", targets));
        Assert.Equal(" Did you mean --jobs?", NearNames.Hint("jos", ["jobs", "rows", "plan"], "--", ""));
        Assert.Equal(" Did you mean --fields or --folds?", NearNames.Hint("feilds", ["fields", "field", "folds", "jobs"], "--", ""));
        Assert.Equal("", NearNames.Hint("nope", targets));
    }

    [Fact]
    public void An_option_without_its_value_is_a_usage_error()
    {
        var error = Assert.Throws<UsageException>(() => Parse("Build", "--fanout-quads"));

        Assert.Equal("Option --fanout-quads needs a value.", error.Message);
    }

    [Fact]
    public void An_unknown_short_option_is_a_usage_error()
    {
        var error = Assert.Throws<UsageException>(() => Parse("-x"));

        Assert.Equal("Unknown option '-x'. Run ./build.sh --help for the options.", error.Message);
    }
}

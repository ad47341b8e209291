using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.PipelineTests;

/// <summary>One damaged input among many, through the real ./build.sh: it fails only what depends on it.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task One_truncated_quad_fails_only_its_features_with_keep_going_names_the_file_and_exits_1()
    {
        using var ws = new PipelineWorkspace();
        Assert.Equal(0, (await ws.Build("Fixtures", "--fields", "296")).ExitCode);
        var quads = Directory.GetFiles(ws.File("data/ztf/field=296"), "*.parquet").Order(StringComparer.Ordinal).ToList();
        var bad = quads[3];
        var bytes = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, bytes[..(bytes.Length / 2)]);

        var result = await ws.Build("Predictions", "--fields", "296", "-k");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(quads.Count - 1, result.Built.Count(n => n.StartsWith("Features[field=296,", StringComparison.Ordinal)));
        Assert.DoesNotContain(result.Built, n => n.StartsWith("Predictions", StringComparison.Ordinal));
        Assert.Contains($"{Path.GetFileName(bad)}: it does not end with the magic bytes PAR1", result.Output + result.Stderr);
    }

    [Theory]
    [InlineData(new[] { "Predictions", "--fields", "296", "--nope" }, "error: Unknown option --nope. Run ./build.sh --help for the options.")]
    [InlineData(new[] { "Predictions", "--feilds", "296" }, "error: Unknown option --feilds. Did you mean --fields")]
    [InlineData(new[] { "Predictons", "--fields", "296" }, "error: Unknown target 'Predictons'. Did you mean 'Predictions'?")]
    public async Task A_mistyped_option_or_target_is_a_usage_error_that_suggests_the_near_name(string[] args, string error)
    {
        using var ws = new PipelineWorkspace();

        var result = await ws.Build(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(error, result.Stderr.Trim());
    }
}

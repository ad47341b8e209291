using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.PipelineTests;

/// <summary>The hyperparameter sweep (HED-style unrolled parameter file) through the real ./build.sh.</summary>
public sealed class SweepPipelineTests
{
    [Fact]
    public async Task Runs_build_rerun_to_nothing_extend_by_limit_and_all_rerun_when_the_defaults_change()
    {
        using var ws = new PipelineWorkspace();

        var first = await ws.Build("Runs");
        var rerun = await ws.Build("Runs");
        var extended = await ws.Build("Runs", "--runs-limit", "60");
        var defaults = ws.File("data/sweep/defaults.json");
        File.WriteAllText(defaults, File.ReadAllText(defaults).Replace("\"epochs\": 100", "\"epochs\": 120"));
        var afterDefaults = await ws.Build("Runs", "--runs-limit", "60");

        Assert.True(first.ExitCode == 0, first.Output + first.Stderr);
        var firstRuns = RunsOf(first);
        Assert.Equal(40, firstRuns.Count);
        Assert.Contains("Runs outputs (40):", first.Output);
        Assert.Equal(0, rerun.ExitCode);
        Assert.Empty(rerun.Built);
        Assert.Contains("Nothing to do", rerun.Output);

        // Restart-by-hash: the first 40 are kept, only the 20 new lines run.
        Assert.Equal(0, extended.ExitCode);
        Assert.Equal(20, RunsOf(extended).Count);
        Assert.Empty(RunsOf(extended).Intersect(firstRuns));

        // New defaults, new configs, new ids: every run runs again, none of the old ones is reused.
        Assert.Equal(0, afterDefaults.ExitCode);
        Assert.Equal(60, RunsOf(afterDefaults).Count);
        Assert.Empty(RunsOf(afterDefaults).Intersect(firstRuns.Concat(RunsOf(extended))));
    }

    private static List<string> RunsOf(DriverResult result) => result.Built.Where(n => n.StartsWith("Runs[run=", StringComparison.Ordinal)).ToList();
}

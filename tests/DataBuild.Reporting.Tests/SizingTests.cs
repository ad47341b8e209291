using DataBuild.Reporting;

namespace DataBuild.Reporting.Tests;

public sealed class SizingTests
{
    [Fact]
    public void A_target_that_asked_for_far_more_memory_than_its_peak_is_told_what_to_ask_for()
    {
        var usage = TargetUsage.Of(SampleRuns.ThreeTargets()).Single(u => u.Target == "Features");

        Assert.Equal((3, 4, 0, 12288L, 1228.8), (usage.Tasks, usage.Attempts, usage.Failed, usage.RequestedMemoryMb, usage.PeakMemoryMb));
        Assert.Contains("Features asked for 12 GB, the largest peak was 1.2 GB: ask for 1.5 GB.", usage.Recommendations());
    }

    [Theory]
    [InlineData(1228.8, 1536)] // 1.2 GB -> 1.5 GB
    [InlineData(100, 128)]
    [InlineData(800, 1024)]
    [InlineData(3000, 4096)]
    public void The_memory_suggested_is_a_quarter_above_the_peak_rounded_up(double peakMb, long suggestedMb) =>
        Assert.Equal(suggestedMb, TargetUsage.SuggestMemoryMb(peakMb));

    [Fact]
    public void A_peak_above_what_was_asked_for_says_to_ask_for_more()
    {
        var usage = new TargetUsage("Fit", 1, 2, 0, 1024, 1500, 1, 0.9, 0.9, null, 60);

        Assert.Equal(["Fit asked for 1 GB, the largest peak was 1.5 GB, above it: ask for 2 GB."], usage.Recommendations());
    }

    [Fact]
    public void Cores_and_wall_time_far_above_use_are_told_too()
    {
        var usage = new TargetUsage("Fit", 4, 4, 0, 2048, 1700, 8, 1.3, 0.15, 7200, 600);

        Assert.Equal(
        [
            "Fit asked for 2 GB, the largest peak was 1.7 GB: about right.",
            "Fit asked for 8 cores and used at most 1.3 on average over a task: ask for 2.",
            "Fit asked for 2 h of wall time, the longest task took 10 min: ask for 15 min.",
        ], usage.Recommendations());
    }

    [Fact]
    public void The_drivers_memory_sampled_during_an_in_process_task_gives_no_peak_and_no_advice()
    {
        var attempt = SampleRuns.Attempt("Fit", "Fit", 0, 3);
        var run = SampleRuns.ThreeTargets();
        var data = new RunData
        {
            Run = run.Run, Attempts = [attempt], Jobs = [], NotRun = new Dictionary<string, int>(), LogTails = new Dictionary<string, string>(),
            Samples = new Dictionary<(string, int), IReadOnlyList<Sample>> { [("Fit", 1)] = [new Sample(1, 900, 1, 0, 0, 1, null, null, DriverMemory: true)] },
        };

        var usage = TargetUsage.Of(data).Single();

        Assert.Null(usage.PeakMemoryMb);
        Assert.DoesNotContain(usage.Recommendations(), r => r.Contains("memory", StringComparison.Ordinal) || r.Contains("peak", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cpu_efficiency_is_cpu_time_over_cores_times_wall_time()
    {
        var raw = TargetUsage.Of(SampleRuns.ThreeTargets()).Single(u => u.Target == "Raw");

        Assert.Equal(0.9, raw.CpuEfficiency!.Value, 6);
    }
}

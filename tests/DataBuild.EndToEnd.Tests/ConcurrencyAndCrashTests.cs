using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

public sealed class ConcurrencyAndCrashTests
{
    [Fact]
    public async Task A_second_driver_in_the_same_directory_refuses_and_names_the_first()
    {
        using var ws = new FanoutWorkspace(2000);
        using var first = await ws.Start("-j", "1");
        await first.WaitForBuiltLines(1);

        var second = await ws.Build();

        Assert.Equal(75, second.ExitCode);
        Assert.Contains($"Another DataBuild driver is using {ws.File(".databuild")} (pid {first.Pid} on", second.Stderr);
        Assert.Empty(second.Built);
    }

    [Theory]
    [InlineData(2)]  // SIGINT: Ctrl-C in the driver's terminal
    [InlineData(15)] // SIGTERM: kill, or a batch system ending the job
    public async Task Ctrl_C_or_SIGTERM_stops_starting_tasks_records_what_finished_and_exits_130_and_the_rerun_repeats_none(int signal)
    {
        using var ws = new FanoutWorkspace(200);
        // 50 ms per copy on one job: the signal lands with most of the 205 nodes still to run.
        var driver = await ws.StartInterruptible("-j", "1", "--fanout-task-seconds", "0.05");
        await driver.WaitForBuiltLines(10);
        driver.Signal(signal);
        var interrupted = await driver.WaitAsync();
        driver.Dispose();
        var rerun = await ws.Build("--fanout-task-seconds", "0.05");

        Assert.True(interrupted.ExitCode == 130, $"exit {interrupted.ExitCode}:\n{interrupted.Output}\n{interrupted.Stderr}");
        if (signal == 2) Assert.Contains("Interrupted: stopping running tasks and recording what finished", interrupted.Stderr);
        Assert.Contains("node(s) built and recorded; rerun the same command to continue.", interrupted.Output);
        Assert.InRange(interrupted.Built.Count, 10, 150);
        Assert.Equal(0, rerun.ExitCode);
        Assert.Empty(rerun.Built.Intersect(interrupted.Built));
        Assert.Equal(205, interrupted.Built.Concat(rerun.Built).Distinct().Count());
    }

    [Theory]
    [InlineData(20)]
    [InlineData(80)]
    [InlineData(150)]
    public async Task After_a_SIGKILL_the_rerun_repeats_no_finished_node_and_ends_with_clean_build_outputs(int killAfter)
    {
        using var clean = new FanoutWorkspace(200);
        using var crashed = new FanoutWorkspace(200);
        var reference = await clean.Build();
        Assert.True(reference.ExitCode == 0, $"the clean build failed ({reference.ExitCode}):\n{reference.Output}\n{reference.Stderr}");

        // 20 ms per copy on one job: at least a second of work remains after the last kill point, so the kill
        // always lands mid-build (with plain cp the whole build can finish before the signal does).
        var driver = await crashed.Start("-j", "1", "--fanout-task-seconds", "0.02");
        await driver.WaitForBuiltLines(killAfter);
        driver.Kill();
        var killed = await driver.WaitAsync();
        driver.Dispose();
        var rerun = await crashed.Build("--fanout-task-seconds", "0.02");

        Assert.Equal(137, killed.ExitCode); // SIGKILL, not a build that ended on its own
        Assert.True(killed.Built.Count >= killAfter);
        Assert.Equal(0, rerun.ExitCode);
        Assert.NotEmpty(rerun.Built);
        Assert.Empty(rerun.Built.Intersect(killed.Built));
        Assert.Equal(clean.Outputs(), crashed.Outputs());
    }
}

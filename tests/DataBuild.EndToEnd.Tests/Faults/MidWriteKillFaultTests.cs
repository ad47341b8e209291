using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>
/// A task SIGKILLed with half its output written (SlurmDemo's --slurm-demo-write-seconds pauses there), alone or together
/// with its driver: the half-written file is never promoted to the output's path nor recorded as built, the rerun
/// rebuilds exactly what was not finished, and the outputs end byte-identical to a clean build's.
/// </summary>
public sealed class MidWriteKillFaultTests
{
    private const int Tasks = 4, Victim = 1;

    private static string[] Args(PipelineWorkspace ws) =>
        ["SlurmDemo", "--slurm-demo-tasks", Tasks.ToString(), "--slurm-demo-write-seconds", "8", "--slurm-demo-side-log", ws.File("executions.log"),
            "--slurm-demo-done-log", ws.File("done.log"), "-j", Tasks.ToString(), "-k"];

    [Fact]
    public async Task A_task_killed_mid_write_fails_its_node_without_promoting_the_partial_file_and_the_rerun_rebuilds_only_it()
    {
        using var ws = new PipelineWorkspace();
        var driver = await Driver.StartAsync(ws.Path, Args(ws));
        var (pid, staged) = await TaskProcesses.WaitUntilWritingAsync(ws, Victim);
        var partial = new FileInfo(staged).Length;

        TaskProcesses.Kill(pid);
        var run = await driver.WaitAsync();
        driver.Dispose();

        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Output}\n{run.Stderr}");
        Assert.InRange(partial, 1, Expected(Victim).Length - 1);
        Assert.Contains($"FAILED SlurmDemo[task={Victim}]: killed by signal 9", run.Output);
        Assert.False(File.Exists(OutputPath(ws, Victim)), "the half-written output was promoted");
        Assert.Equal(Tasks - 1, run.Built.Count);
        foreach (var t in Enumerable.Range(0, Tasks).Where(t => t != Victim)) Assert.Equal(Expected(t), File.ReadAllText(OutputPath(ws, t)));

        var rerun = await ws.Build(Args(ws));
        var repeated = rerun.Built.Intersect(run.Built).Count();
        var lost = await LostAgainstACleanBuild(ws);
        FaultSuite.Record("task SIGKILL mid-write (driver alive)", 1, lost, repeated, 0,
            $"{partial} of {Expected(Victim).Length} bytes staged when killed; not promoted; the rerun built {string.Join(", ", rerun.Built)}");
        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Stderr);
        Assert.Equal([$"SlurmDemo[task={Victim}]"], rerun.Built);
        Assert.Equal(0, lost);
        Assert.Equal(0, repeated);
        Assert.Equal(Enumerable.Range(0, Tasks).Select(t => t.ToString()), File.ReadAllLines(ws.File("done.log")).OrderBy(int.Parse));
    }

    [Fact]
    public async Task A_driver_and_its_task_killed_mid_write_leave_no_partial_output_and_the_rerun_ends_like_a_clean_build()
    {
        using var ws = new PipelineWorkspace();
        var driver = await Driver.StartAsync(ws.Path, Args(ws));
        var (pid, staged) = await TaskProcesses.WaitUntilWritingAsync(ws, Victim);
        var partial = new FileInfo(staged).Length;

        driver.Kill();
        TaskProcesses.Kill(pid);
        var killed = await driver.WaitAsync();
        driver.Dispose();
        // The other tasks are orphans now, still writing into their staging files: let them end before looking.
        await TaskProcesses.WaitUntilNoneAsync(ws);

        Assert.Equal(137, killed.ExitCode);
        Assert.InRange(partial, 1, Expected(Victim).Length - 1);
        Assert.False(File.Exists(OutputPath(ws, Victim)), "the half-written output was promoted");
        foreach (var t in Enumerable.Range(0, Tasks).Where(t => File.Exists(OutputPath(ws, t))))
            Assert.Equal(Expected(t), File.ReadAllText(OutputPath(ws, t)));

        var rerun = await ws.Build(Args(ws));
        var repeated = rerun.Built.Intersect(killed.Built).Count();
        var lost = await LostAgainstACleanBuild(ws);
        FaultSuite.Record("driver and task SIGKILL mid-write", 1, lost, repeated, 0,
            $"{partial} of {Expected(Victim).Length} bytes staged when killed; not promoted; {killed.Built.Count} built before the kill, the rerun built {rerun.Built.Count}");
        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Stderr);
        Assert.Contains($"SlurmDemo[task={Victim}]", rerun.Built);
        Assert.Equal(0, lost);
        Assert.Equal(0, repeated);
        Assert.Contains("Nothing to do", (await ws.Build(Args(ws))).Output);
    }

    private static string OutputPath(PipelineWorkspace ws, int task) => ws.File($"out/slurmdemo/{task}.txt");

    /// <summary>What SlurmDemo writes for a task when it pauses mid-write: its first line, then 2000 numbered lines.</summary>
    private static string Expected(int task) =>
        $"task {task}\n" + string.Concat(Enumerable.Range(1, 2000).Select(i => $"line {i} of task {task}\n"));

    /// <summary>Outputs that differ from (or are missing against) a clean build of the same command in a fresh directory.</summary>
    private static async Task<int> LostAgainstACleanBuild(PipelineWorkspace ws)
    {
        using var clean = new PipelineWorkspace();
        var run = await clean.Build(Args(clean));
        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        var expected = clean.Products();
        var actual = ws.Products();
        return expected.Count(e => !actual.TryGetValue(e.Key, out var hash) || hash != e.Value) + actual.Keys.Count(k => !expected.ContainsKey(k));
    }
}

using System.Diagnostics;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>
/// --executor slurm on the real one-node cluster of tests/slurm/cluster.sh (./test.sh starts it). These fail, never skip,
/// when it is down. --pack keeps Slurm's per-task start-up cost (about a second here) out of the test time.
/// </summary>
[Collection(SlurmCluster.Name)]
public sealed class SlurmExecutorTests
{
    public SlurmExecutorTests(SlurmCluster cluster) => cluster.EnsureUp();

    [Fact]
    public async Task The_ZTF_pipeline_built_on_Slurm_is_byte_identical_to_the_local_build()
    {
        using var local = new PipelineWorkspace();
        using var slurm = new PipelineWorkspace();

        var localRun = await local.Build("Predictions", "--fields", "296");
        var slurmRun = await slurm.Build("Predictions", "--fields", "296", "--executor", "slurm", "--poll-interval", "1", "--pack", "10");

        Assert.Equal(0, localRun.ExitCode);
        Assert.True(slurmRun.ExitCode == 0, slurmRun.Output + slurmRun.Stderr);
        Assert.Contains("submitted job array", slurmRun.Output);
        Assert.Equal(localRun.Built.Order(), slurmRun.Built.Order());
        Assert.Equal(local.Products(), slurm.Products());
    }

    [Fact]
    public async Task A_task_that_allocates_past_its_mem_is_reported_as_OOM_and_succeeds_on_retry_with_more_memory()
    {
        using var ws = new PipelineWorkspace();
        var sideLog = ws.File("executions.log");

        var run = await ws.Build(OneTaskPastItsMemory(sideLog));

        AssertKilledOnceThenBuiltWithMoreMemory(ws, run, sideLog);
    }

    [Fact]
    public async Task Without_accounting_the_executor_still_builds_and_still_retries_an_OOM_with_more_memory()
    {
        using var ws = new PipelineWorkspace();
        var sideLog = ws.File("executions.log");
        SlurmCluster.Restart(accounting: false);
        try
        {
            var run = await ws.Build(OneTaskPastItsMemory(sideLog));

            AssertKilledOnceThenBuiltWithMoreMemory(ws, run, sideLog);
        }
        finally
        {
            SlurmCluster.Restart(accounting: true);
        }
    }

    private static void AssertKilledOnceThenBuiltWithMoreMemory(PipelineWorkspace ws, DriverResult run, string sideLog)
    {
        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        Assert.Contains("OutOfMemory SlurmDemo[task=0]: OOM: ", run.Output);
        Assert.Contains("retrying with --mem=200M (100M x 2)", run.Output);
        Assert.Equal(["0", "0"], File.ReadAllLines(sideLog));
        Assert.Equal("task 0\n", File.ReadAllText(ws.File("out/slurmdemo/0.txt")));
    }

    /// <summary>One SlurmDemo task that asks for 100 MB and holds 150 MB: killed once, then built with 200 MB.</summary>
    private static string[] OneTaskPastItsMemory(string sideLog) =>
        ["SlurmDemo", "--slurm-demo-tasks", "1", "--slurm-demo-memory-mb", "100", "--slurm-demo-hold-mb", "150",
            "--slurm-demo-seconds", "2", "--slurm-demo-side-log", sideLog, "--executor", "slurm", "--poll-interval", "1"];

    [Fact]
    public async Task A_driver_killed_mid_build_is_rerun_and_every_task_runs_exactly_once()
    {
        using var ws = new PipelineWorkspace();
        var sideLog = ws.File("executions.log");
        string[] args = ["SlurmDemo", "--slurm-demo-tasks", "12", "--slurm-demo-seconds", "2", "--slurm-demo-side-log", sideLog,
            "--executor", "slurm", "--poll-interval", "1", "--pack", "2"];

        var driver = await Driver.StartAsync(ws.Path, args);
        await driver.WaitForBuiltLines(2);
        driver.Kill();
        var killed = await driver.WaitAsync();
        driver.Dispose();
        var rerun = await ws.Build(args);

        Assert.Equal(137, killed.ExitCode);
        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Stderr);
        Assert.Contains("from an earlier run", rerun.Output);
        Assert.DoesNotContain("submitted job array", rerun.Output);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => i.ToString()), File.ReadAllLines(sideLog).OrderBy(int.Parse));
        Assert.Equal(12, Directory.GetFiles(ws.File("out/slurmdemo")).Length);
        Assert.Contains("Nothing to do", (await ws.Build(args)).Output);
    }
}

/// <summary>
/// The local Slurm cluster, checked before each test. Its tests run one at a time, and never while the Slurm client's
/// real-cluster tests (another test process, which restarts the cluster) run: both hold the same file lock.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SlurmCluster : ICollectionFixture<SlurmCluster>, IDisposable
{
    public const string Name = "Real Slurm cluster (end to end)";

    private readonly FileStream _lock = SlurmClusterLock.Acquire();

    public void Dispose() => _lock.Dispose();

    /// <summary>Restarts tests/slurm/cluster.sh in the given accounting mode (the collection's lock keeps other tests out).</summary>
    public static void Restart(bool accounting)
    {
        var info = new ProcessStartInfo(Repository.ClusterScript) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("start");
        if (!accounting) info.ArgumentList.Add("--no-accounting");
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd() + stderr.Result;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"tests/slurm/cluster.sh {string.Join(" ", info.ArgumentList)} failed:\n{output}");
    }

    public void EnsureUp()
    {
        string said;
        try
        {
            using var ping = Process.Start(new ProcessStartInfo("scontrol", "ping") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            said = ping.StandardOutput.ReadToEnd() + ping.StandardError.ReadToEnd();
            ping.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            said = $"scontrol: {e.Message}";
        }
        if (!said.Contains("UP", StringComparison.Ordinal))
            throw new InvalidOperationException($"Slurm cluster not running: run tests/slurm/cluster.sh start (scontrol ping said: {said.Trim()})");
    }
}

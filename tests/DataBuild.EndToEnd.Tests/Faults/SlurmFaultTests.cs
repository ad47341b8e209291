using System.Text.RegularExpressions;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>
/// kill -9 of a --executor slurm driver, inside the sbatch->record window (the DATABUILD_FAULT_AFTER_SBATCH hook) and at
/// random moments, on the real cluster: duplicates are counted from sacct (array tasks that ran in the workspace beyond
/// those one submission needs) and from the side log (a task that ran twice).
/// </summary>
[Collection(SlurmCluster.Name)]
public sealed partial class SlurmFaultTests
{
    private const int Tasks = 8, Pack = 2;

    public SlurmFaultTests(SlurmCluster cluster) => cluster.EnsureUp();

    private static string[] Args(string sideLog, double seconds = 1) =>
        ["SlurmDemo", "--slurm-demo-tasks", Tasks.ToString(), "--slurm-demo-seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--slurm-demo-side-log", sideLog, "--executor", "slurm", "--poll-interval", "1", "--pack", Pack.ToString()];

    [Fact]
    public async Task A_driver_killed_between_sbatch_returning_and_recording_the_job_is_rerun_without_submitting_again()
    {
        using var ws = new PipelineWorkspace();
        var sideLog = ws.File("executions.log");
        var since = DateTimeOffset.UtcNow;

        var killed = await Driver.RunAsync(ws.Path, new Dictionary<string, string> { ["DATABUILD_FAULT_AFTER_SBATCH"] = "kill" }, Args(sideLog));
        var rerun = await ws.Build(Args(sideLog));

        Assert.Equal(137, killed.ExitCode);
        var job = HookJob().Match(killed.Output).Groups[1].Value;
        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Stderr);
        Assert.Contains($"found job array {job} (databuild-SlurmDemo-", rerun.Output);
        Assert.DoesNotContain("submitted job array", rerun.Output);
        var duplicates = AssertEachTaskRanOnce(ws, sideLog, since);
        FaultSuite.Record("Slurm driver SIGKILL inside sbatch->record window", 1, 0, 0, duplicates);
    }

    [Fact]
    public async Task Slurm_drivers_killed_at_random_moments_and_inside_the_window_never_submit_a_node_twice()
    {
        var kills = FaultSuite.Long ? 10 : 3;
        var random = new Random(FaultSuite.Seed);
        int done = 0, duplicates = 0, inWindow = 0;
        while (done < kills)
        {
            using var ws = new PipelineWorkspace();
            var sideLog = ws.File("executions.log");
            var since = DateTimeOffset.UtcNow;
            // Every other kill lands inside the window: the hook pauses there, announcing it, and the kill comes then.
            var window = done % 2 == 0;
            var environment = window ? new Dictionary<string, string> { ["DATABUILD_FAULT_AFTER_SBATCH"] = "30" } : [];
            var driver = await Driver.StartAsync(ws.Path, environment, Args(sideLog, seconds: 2));
            if (window) await driver.WaitForLine("fault hook: sbatch returned job");
            else await Task.Delay(random.Next(500, 6000));
            driver.Kill();
            var killed = await driver.WaitAsync();
            driver.Dispose();
            if (killed.ExitCode == 137) { done++; if (window) inWindow++; }
            var rerun = await ws.Build(Args(sideLog, seconds: 2));
            Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Stderr);
            duplicates += AssertEachTaskRanOnce(ws, sideLog, since);
        }
        FaultSuite.Record("Slurm driver SIGKILL at random moments", done, 0, 0, duplicates, $"{inWindow} inside the sbatch->record window; seed {FaultSuite.Seed}");
    }

    /// <summary>Every task ran exactly once (side log) and sacct saw exactly the array tasks of one submission; returns duplicates found.</summary>
    private static int AssertEachTaskRanOnce(PipelineWorkspace ws, string sideLog, DateTimeOffset since)
    {
        var executions = File.ReadAllLines(sideLog);
        var arrayTasks = FaultSuite.SacctArrayTasks(ws.Path, since, Tasks / Pack);
        var duplicates = executions.Length - executions.Distinct().Count() + Math.Max(0, arrayTasks.Count - Tasks / Pack);
        Assert.Equal(Enumerable.Range(0, Tasks).Select(i => i.ToString()), executions.OrderBy(int.Parse));
        Assert.Equal(Tasks / Pack, arrayTasks.Count);
        Assert.Equal(Tasks, Directory.GetFiles(ws.File("out/slurmdemo")).Length);
        return duplicates;
    }

    [GeneratedRegex(@"fault hook: sbatch returned job (\d+)")]
    private static partial Regex HookJob();
}

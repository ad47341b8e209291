using System.Diagnostics;
using System.Text.RegularExpressions;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>
/// Checkpoints on the real cluster of tests/slurm/cluster.sh, with the interruptions users meet: a signal sent with
/// <c>scancel --signal</c> mid-task (what the time-limit warning does, on demand), and the Legacy Survey's Catalogs
/// stopped mid-brick through its profile's settings.
/// </summary>
[Collection(SlurmCluster.Name)]
public sealed partial class SlurmCheckpointTests
{
    public SlurmCheckpointTests(SlurmCluster cluster) => cluster.EnsureUp();

    private static readonly string TestClusterProfile = Path.Combine(Repository.Root, "profiles", "test-cluster.yaml");

    [Fact]
    public async Task A_USR1_sent_to_the_batch_shell_with_scancel_reaches_the_task_which_checkpoints_and_its_retry_counts_on()
    {
        using var ws = new PipelineWorkspace();
        // Ten minutes instead of the demo's one: its warning (30 s before the limit) never comes, so the stop is scancel's.
        using var driver = await Driver.StartAsync(ws.Path, "CheckpointDemo", "--checkpoint-demo-steps", "20", "--executor", "slurm", "--poll-interval", "1",
            "--set", "CheckpointDemo.time=00:10:00");
        var job = await SubmittedArray(driver, "CheckpointDemo");
        var steps = ws.File(".databuild/checkpoints/CheckpointDemo/steps=20/steps.log");
        await Until(() => File.Exists(steps) && File.ReadAllLines(steps).Length >= 3, "3 steps in the checkpoint log");

        // --batch: only the worker (the batch shell) gets it, so the task hears it only if the worker passes it on to its process group.
        Slurm("scancel", "--batch", "--signal=USR1", job);
        var run = await driver.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        Assert.Contains("CHECKPOINTED: stopped at the time-limit warning", run.Output);
        var lines = File.ReadAllLines(ws.File("out/checkpointdemo/20.txt"));
        Assert.Equal("counted to 20", lines[0]);
        var stop = Assert.Single(lines.Skip(1));
        Assert.InRange(int.Parse(StoppedAt().Match(stop).Groups[1].Value), 3, 19);
    }

    [Fact]
    public async Task A_job_requeued_mid_task_is_followed_not_submitted_again_and_its_task_resumes_from_the_checkpoint()
    {
        using var ws = new PipelineWorkspace();
        using var driver = await Driver.StartAsync(ws.Path, "CheckpointDemo", "--checkpoint-demo-steps", "20", "--executor", "slurm", "--poll-interval", "1",
            "--set", "CheckpointDemo.time=00:10:00");
        var job = await SubmittedArray(driver, "CheckpointDemo");
        var steps = ws.File(".databuild/checkpoints/CheckpointDemo/steps=20/steps.log");
        await Until(() => File.Exists(steps) && File.ReadAllLines(steps).Length >= 3, "3 steps in the checkpoint log");

        // Slurm ends the running job as for a preemption (its --signal warning, then SIGTERM) and queues it again.
        Slurm("scontrol", "requeue", job);
        var run = await driver.WaitAsync(TimeSpan.FromMinutes(8));

        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        Assert.Single(run.Stdout, l => l.Contains("submitted job array", StringComparison.Ordinal));
        Assert.Equal("counted to 20", File.ReadAllLines(ws.File("out/checkpointdemo/20.txt"))[0]);
        // The task's own log: the requeued run found the steps the first one had saved.
        var log = File.ReadAllText(ws.File(".databuild/logs/CheckpointDemo/steps=20.log"));
        Assert.Equal(2, Regex.Count(log, @"== CheckpointDemo\[steps=20\] attempt 1 on "));
        Assert.InRange(int.Parse(Resuming().Match(log).Groups[1].Value), 3, 19);
        // Slurm ran the one job twice under its id: restarted once, then completed (scontrol keeps it for MinJobAge; sacct
        // would need the accounting daemon, which tests that restart the cluster without it may have stopped).
        var shown = Slurm("scontrol", "show", "job", job);
        Assert.Equal("1", Restarts().Match(shown).Groups[1].Value);
        Assert.Equal("COMPLETED", JobState().Match(shown).Groups[1].Value);
    }

    [Fact]
    public async Task The_Legacy_Survey_catalogs_stopped_mid_brick_on_the_long_partition_resume_and_equal_an_uninterrupted_build()
    {
        using var reference = new PipelineWorkspace();
        using var ws = new PipelineWorkspace();
        var uninterrupted = await reference.Build("Catalogs");
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.Output + uninterrupted.Stderr);
        // What Catalogs reads is built locally first: only the catalogs go to the cluster.
        var upstream = await ws.Build("BrickList");
        Assert.True(upstream.ExitCode == 0, upstream.Output + upstream.Stderr);

        using var driver = await Driver.StartAsync(ws.Path, "Catalogs", "--executor", "slurm", "--poll-interval", "1", "--profile", TestClusterProfile,
            "--catalogs-pause-seconds", "3");
        var job = await SubmittedArray(driver, "Catalogs");
        var logs = ws.File(".databuild/logs/Catalogs");
        await Until(() => Directory.Exists(logs) && Directory.GetFiles(logs).Any(f => File.ReadAllText(f).Contains(" measured\n")), "a Catalogs node that measured a CCD");
        // Only running tasks can be signalled: the one-node cluster runs two at a time.
        foreach (var task in Slurm("squeue", "-h", "-t", "R", "-o", "%i", "-j", job).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Slurm("scancel", "--batch", "--signal=USR1", task);
        var run = await driver.WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        Assert.Contains("CHECKPOINTED: stopped at the time-limit warning", run.Output);
        // The first array and the resumed bricks' retry: each on long, warned a minute before its limit, as the profile says.
        var scripts = Directory.GetFiles(ws.File(".databuild/slurm"), "submit.sh", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        Assert.True(scripts.Count >= 2, $"{scripts.Count} submission(s): the stopped bricks were not retried");
        Assert.All(scripts, script => Assert.Contains("#SBATCH --partition=long\n", script));
        Assert.All(scripts, script => Assert.Contains("#SBATCH --signal=B:USR1@60\n", script));
        var resumed = 0;
        foreach (var log in Directory.GetFiles(logs))
        {
            var progress = File.ReadAllLines(log).Where(l => Progress().IsMatch(l)).ToList();
            // A stop lands between CCDs: no CCD is measured twice, and each was measured or read back on the last attempt.
            var measured = progress.Where(l => l.EndsWith(" measured", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(':')]).ToList();
            Assert.Equal(measured.Distinct(), measured);
            if (progress.Any(l => l.EndsWith("read from the checkpoint", StringComparison.Ordinal))) resumed++;
        }
        Assert.True(resumed > 0, "no brick resumed from its checkpoint:\n" + run.Output);
        var catalogs = ws.Products().Where(p => p.Key.StartsWith("out/legacysurvey/catalogs/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(catalogs);
        Assert.Equal(reference.Products().Where(p => p.Key.StartsWith("out/legacysurvey/catalogs/", StringComparison.Ordinal)), catalogs);
        Assert.False(Directory.Exists(ws.File(".databuild/checkpoints/Catalogs")) && Directory.EnumerateFileSystemEntries(ws.File(".databuild/checkpoints/Catalogs")).Any(),
            "every checkpoint is removed once its node succeeds");
    }

    private static async Task<string> SubmittedArray(RunningDriver driver, string target)
    {
        await driver.WaitForLine($"{target} node");
        return driver.Lines.Select(l => SubmittedJob().Match(l)).First(m => m.Success && m.Groups["target"].Value == target).Groups["job"].Value;
    }

    /// <summary>Polls <paramref name="condition"/> (a file another process writes) for up to 3 minutes.</summary>
    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited 3 minutes for {what}");
            await Task.Delay(200);
        }
    }

    private static string Slurm(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command} {string.Join(" ", args)} failed ({p.ExitCode}): {output}");
        return output;
    }

    [GeneratedRegex(@"submitted job array (?<job>\d+): \d+ (?<target>\w+) node")]
    private static partial Regex SubmittedJob();

    [GeneratedRegex(@"^stopped at (\d+)$")]
    private static partial Regex StoppedAt();

    [GeneratedRegex(@"Restarts=(\d+)")]
    private static partial Regex Restarts();

    [GeneratedRegex(@"JobState=(\w+)")]
    private static partial Regex JobState();

    [GeneratedRegex(@"resuming at (\d+)")]
    private static partial Regex Resuming();

    [GeneratedRegex(@"^\d+ of \d+: exposure \d+ ccd \d+ ")]
    private static partial Regex Progress();
}

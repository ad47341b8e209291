using System.Diagnostics;
using System.Text.RegularExpressions;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>
/// Per-target Slurm settings, the cluster profile, limits and checkpoints on the real cluster of tests/slurm/cluster.sh
/// (partitions debug, MaxTime 4 h, and long).
/// </summary>
[Collection(SlurmCluster.Name)]
public sealed partial class SlurmSettingsTests
{
    public SlurmSettingsTests(SlurmCluster cluster) => cluster.EnsureUp();

    private static readonly string TestClusterProfile = Path.Combine(Repository.Root, "profiles", "test-cluster.yaml");

    [Fact]
    public async Task The_Legacy_Survey_runs_Catalogs_on_the_long_partition_and_the_rest_on_debug_as_sacct_shows()
    {
        using var ws = new PipelineWorkspace();
        var since = DateTime.Now.AddMinutes(-1);

        var run = await ws.Build("Sweeps", "--executor", "slurm", "--poll-interval", "1", "--profile", TestClusterProfile);

        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        var jobs = SubmittedJob().Matches(run.Output).Select(m => m.Groups["job"].Value).ToList();
        Assert.NotEmpty(jobs);
        // One line per array task (-X): every task of one target's array asks the same.
        // Job names are databuild-<target>-<token>; a job id of an earlier cluster (tests restart it) is left out by time and name.
        var asked = Sacct(jobs, since).Where(r => r.JobName.StartsWith("databuild-", StringComparison.Ordinal)).GroupBy(r => r.JobName.Split('-')[1]).ToDictionary(g => g.Key, g => g.First());
        Assert.Contains("Catalogs", asked.Keys);
        Assert.Equal("long", asked["Catalogs"].Partition);
        Assert.All(asked.Where(a => a.Key != "Catalogs"), a => Assert.Equal("debug", a.Value.Partition));
        // Catalogs: the profile's 2 h per brick; the others: the profile's default 20 min, times the nodes a pack runs in turn.
        Assert.Equal(0, TimeSpan.Parse(asked["Catalogs"].Timelimit.Replace('-', '.')).Ticks % TimeSpan.FromHours(2).Ticks);
        Assert.Equal("00:20:00", asked["BrickList"].Timelimit);
    }

    [Fact]
    public async Task A_task_with_a_one_minute_limit_checkpoints_on_the_signal_and_resumes_counting_where_it_stopped()
    {
        using var ws = new PipelineWorkspace();

        var run = await ws.Build("CheckpointDemo", "--checkpoint-demo-steps", "75", "--executor", "slurm", "--poll-interval", "1");

        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        Assert.Contains("CHECKPOINTED: stopped at the time-limit warning", run.Output);
        var lines = File.ReadAllLines(ws.File("out/checkpointdemo/75.txt"));
        Assert.Equal("counted to 75", lines[0]);
        // Every attempt but the last stopped on the signal and the next went on from there: 75 steps of a second do not fit in a minute.
        var stops = lines.Skip(1).Select(l => int.Parse(StoppedAt().Match(l).Groups[1].Value)).ToList();
        Assert.NotEmpty(stops);
        Assert.Equal(stops.Order(), stops);
        Assert.All(stops, s => Assert.InRange(s, 1, 74));
        Assert.False(Directory.Exists(ws.File(".databuild/checkpoints/CheckpointDemo/steps=75")), "the checkpoint is removed once the node succeeds");
        var script = File.ReadAllText(Directory.GetFiles(ws.File(".databuild/slurm"), "submit.sh", SearchOption.AllDirectories)[0]);
        Assert.Contains("#SBATCH --time=0-00:01:00\n", script);
        Assert.Contains("#SBATCH --signal=B:USR1@30\n", script);
    }

    [Fact]
    public async Task A_time_above_the_partitions_MaxTime_is_refused_before_any_sbatch()
    {
        using var ws = new PipelineWorkspace();

        var run = await ws.Build("CheckpointDemo", "--checkpoint-demo-steps", "5", "--executor", "slurm", "--poll-interval", "1",
            "--set", "CheckpointDemo.time=05:00:00");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not submitted: CheckpointDemo asks for --time=0-05:00:00 (set by --set CheckpointDemo.time=05:00:00) on partition 'debug', " +
            "above its MaxTime of 0-04:00:00.", run.Output);
        Assert.DoesNotContain("submitted job array", run.Output);
    }

    private sealed record Asked(string JobName, string Partition, string Timelimit);

    private static List<Asked> Sacct(IEnumerable<string> jobs, DateTime since)
    {
        var info = new ProcessStartInfo("sacct") { RedirectStandardOutput = true, RedirectStandardError = true };
        var start = "--starttime=" + since.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var a in (string[])["-X", "-n", "-P", start, "--format=JobName%60,Partition,Timelimit", "-j", string.Join(',', jobs)]) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')).Select(f => new Asked(f[0], f[1], f[2])).ToList();
    }

    [GeneratedRegex(@"submitted job array (?<job>\d+): \d+ (?<target>\w+) node")]
    private static partial Regex SubmittedJob();

    [GeneratedRegex(@"^stopped at (\d+)$")]
    private static partial Regex StoppedAt();
}

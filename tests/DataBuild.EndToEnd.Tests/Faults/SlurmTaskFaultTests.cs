using System.Text.RegularExpressions;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>
/// What the cluster or a user does to running array tasks, on the real cluster: the node going down mid-run, a user's
/// scancel of one array task, a task hanging past its time limit. Each counts, from SlurmDemo's done log (a node whose
/// output was written twice) and from sacct (COMPLETED array tasks beyond one per pack), duplicates; and lost outputs.
/// The collection holds SlurmClusterLock; a downed node is always resumed.
/// </summary>
[Collection(SlurmCluster.Name)]
public sealed partial class SlurmTaskFaultTests
{
    private const int Pack = 2;

    public SlurmTaskFaultTests(SlurmCluster cluster) => cluster.EnsureUp();

    private static string[] Args(PipelineWorkspace ws, int tasks, double seconds, int pack = Pack, params string[] extra) =>
        ["SlurmDemo", "--slurm-demo-tasks", tasks.ToString(), "--slurm-demo-seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--slurm-demo-side-log", ws.File("executions.log"), "--slurm-demo-done-log", ws.File("done.log"),
            "--executor", "slurm", "--poll-interval", "1", "--pack", pack.ToString(), "-k", .. extra];

    [Fact]
    public async Task A_node_going_down_mid_run_loses_no_output_and_writes_none_twice()
    {
        const int tasks = 8;
        using var ws = new PipelineWorkspace();
        var since = DateTimeOffset.UtcNow;
        var node = Node();
        var driver = await Driver.StartAsync(ws.Path, Args(ws, tasks, seconds: 10));
        DriverResult run;
        try
        {
            await WaitForExecutionsAsync(ws, 1);
            Scontrol("update", $"nodename={node}", "state=down", "reason=databuild-fault-suite");
            await Task.Delay(3000);
        }
        finally
        {
            Resume(node);
        }
        run = await driver.WaitAsync(TimeSpan.FromMinutes(10));
        driver.Dispose();

        var (lost, duplicates, note) = Count(ws, tasks, since);
        FaultSuite.Record("Slurm node down mid-run", 1, lost, 0, duplicates, note + "; " + Interruptions(run));
        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicates);
    }

    [Fact]
    public async Task A_users_scancel_of_one_array_task_is_reported_as_cancelled_not_retried_and_the_rerun_builds_it_once()
    {
        const int tasks = 8;
        using var ws = new PipelineWorkspace();
        var since = DateTimeOffset.UtcNow;
        var driver = await Driver.StartAsync(ws.Path, Args(ws, tasks, seconds: 8));
        await driver.WaitForLine("submitted job array");
        var job = SubmittedArray().Match(string.Join("\n", driver.Lines)).Groups[1].Value;
        await WaitForExecutionsAsync(ws, 1);
        var victim = await RunningTaskAsync(job);
        var (code, said) = FaultSuite.Run("scancel", victim);
        Assert.True(code == 0, $"scancel {victim}: {said}");
        var run = await driver.WaitAsync(TimeSpan.FromMinutes(10));
        driver.Dispose();
        var executionsBeforeRerun = File.ReadAllLines(ws.File("executions.log"));

        var rerun = await ws.Build(Args(ws, tasks, seconds: 8));

        var (lost, duplicates, note) = Count(ws, tasks, since);
        var cancelled = Regex.Matches(run.Output, $@"FAILED (SlurmDemo\[task=\d+\]): CANCELLED: Slurm task {Regex.Escape(victim)} ended Cancelled")
            .Select(m => m.Groups[1].Value).Distinct().ToList();
        FaultSuite.Record("Slurm scancel of one array task", 1, lost, 0, duplicates,
            $"{victim} cancelled: {cancelled.Count} nodes reported cancelled, not retried; the rerun built {rerun.Built.Count}; " + note);
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Output}\n{run.Stderr}");
        Assert.NotEmpty(cancelled);
        Assert.Contains("cancelled by scancel: not retried", run.Output);
        // Not retried: no node ran twice within the build that saw the cancel.
        Assert.Equal(executionsBeforeRerun.Distinct().Count(), executionsBeforeRerun.Length);
        Assert.Equal(tasks - cancelled.Count, run.Built.Count);
        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Stderr);
        Assert.Equal(cancelled.Order(), rerun.Built.Order());
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicates);
    }

    // Minutes of waiting for Slurm's smallest limit: run by tests/faults/run.sh, left out of ./test.sh's default run (the
    // TIMEOUT retry itself is covered there on a fake cluster: SlurmExecutorTests).
    [Fact]
    [Trait("Category", "FaultsLong")]
    public async Task A_task_hanging_past_its_time_limit_is_reported_as_TIMEOUT_with_the_limit_and_retried_with_twice_the_time()
    {
        const int tasks = 2;
        using var ws = new PipelineWorkspace();
        var since = DateTimeOffset.UtcNow;

        // Slurm's smallest limit is a minute, and it ends a task past it within its next check: longer than Build waits.
        using var driver = await Driver.StartAsync(ws.Path, Args(ws, tasks, 0, pack: 1, "--slurm-demo-hang-task", "0", "--set", "SlurmDemo.time=00:01:00"));
        var run = await driver.WaitAsync(TimeSpan.FromMinutes(10));

        var (lost, duplicates, note) = Count(ws, tasks, since, pack: 1);
        var timeout = run.Output.Split('\n').FirstOrDefault(l => l.Contains("TIMEOUT: Slurm task", StringComparison.Ordinal)) ?? "";
        FaultSuite.Record("Slurm task hanging past its time limit", 1, lost, 0, duplicates, $"{timeout.Trim()}; " + note);
        Assert.True(run.ExitCode == 0, run.Output + run.Stderr);
        Assert.Contains("SlurmDemo[task=0]", timeout);
        Assert.Contains("retrying with --time=", timeout);
        Assert.Equal(["0", "0", "1"], File.ReadAllLines(ws.File("executions.log")).Order());
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicates);
    }

    /// <summary>
    /// Lost: SlurmDemo outputs missing or not what a clean build writes. Duplicates: outputs written twice (done log) plus
    /// COMPLETED array-task runs in sacct beyond one per pack.
    /// </summary>
    private static (int Lost, int Duplicates, string Note) Count(PipelineWorkspace ws, int tasks, DateTimeOffset since, int pack = Pack)
    {
        var lost = Enumerable.Range(0, tasks).Count(t => !File.Exists(ws.File($"out/slurmdemo/{t}.txt")) || File.ReadAllText(ws.File($"out/slurmdemo/{t}.txt")) != $"task {t}\n");
        var done = File.Exists(ws.File("done.log")) ? File.ReadAllLines(ws.File("done.log")) : [];
        var packs = (tasks + pack - 1) / pack;
        var runs = FaultSuite.SacctArrayTaskRuns(ws.Path, since, packs);
        var completed = runs.Count(r => r.State == "COMPLETED");
        var duplicates = done.Length - done.Distinct().Count() + Math.Max(0, completed - packs);
        var states = string.Join(", ", runs.GroupBy(r => r.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
        return (lost, duplicates, $"sacct: {runs.Count} array-task runs ({states}); {done.Length} outputs written for {tasks} nodes");
    }

    private static string Interruptions(DriverResult run)
    {
        var lines = run.Output.Split('\n').Where(l => l.Contains("NODE_FAIL", StringComparison.Ordinal) || l.Contains("requeue", StringComparison.OrdinalIgnoreCase)).ToList();
        return lines.Count == 0 ? "no interruption reported" : $"{lines.Count} lines: {lines[0].Trim()}";
    }

    /// <summary>An array task of <paramref name="job"/> that squeue shows running (asked until one is, up to 3 minutes).</summary>
    private static async Task<string> RunningTaskAsync(string job)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var (code, output) = FaultSuite.Run("squeue", "--noheader", "--array", "--jobs", job, "--format", "%i %T");
            var running = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split(' ')).Where(f => f is [_, "RUNNING"]).Select(f => f[0]).ToList();
            if (code == 0 && running.Count > 0) return running[0];
            if (waited.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"no task of job array {job} ran within 3 minutes; squeue: {output}");
            await Task.Delay(200);
        }
    }

    private static async Task WaitForExecutionsAsync(PipelineWorkspace ws, int count)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(ws.File("executions.log")) || File.ReadAllLines(ws.File("executions.log")).Length < count)
        {
            if (waited.Elapsed > TimeSpan.FromMinutes(3)) throw new TimeoutException($"no SlurmDemo task started within 3 minutes in {ws.Path}");
            await Task.Delay(200);
        }
    }

    /// <summary>The test cluster's one node.</summary>
    private static string Node()
    {
        var (code, output) = FaultSuite.Run("sinfo", "--noheader", "--format=%N");
        var node = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return code == 0 && node is { Length: > 0 } ? node : throw new InvalidOperationException($"sinfo did not name a node: {output}");
    }

    /// <summary>Brings the node back if it is still down (the test cluster's ReturnToService=2 may have done so already).</summary>
    private static void Resume(string node)
    {
        var (_, state) = FaultSuite.Run("sinfo", "--noheader", "--nodes", node, "--format=%T");
        if (state.Contains("down", StringComparison.OrdinalIgnoreCase) || state.Contains("drain", StringComparison.OrdinalIgnoreCase))
            Scontrol("update", $"nodename={node}", "state=resume");
    }

    private static void Scontrol(params string[] args)
    {
        var (code, output) = FaultSuite.Run("scontrol", args);
        if (code != 0) throw new InvalidOperationException($"scontrol {string.Join(' ', args)} failed: {output}");
    }

    [GeneratedRegex(@"submitted job array (\d+)")]
    private static partial Regex SubmittedArray();
}

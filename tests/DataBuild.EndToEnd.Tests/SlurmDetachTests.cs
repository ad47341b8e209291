using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>--detach --executor slurm on the real cluster: the driver is a Slurm job that outlives the command that launched it.</summary>
[Collection(SlurmCluster.Name)]
public sealed partial class SlurmDetachTests
{
    public SlurmDetachTests(SlurmCluster cluster) => cluster.EnsureUp();

    private static string[] Demo(PipelineWorkspace ws, int tasks, double seconds) =>
        ["SlurmDemo", "--slurm-demo-tasks", tasks.ToString(), "--slurm-demo-seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--slurm-demo-side-log", ws.File("executions.log"), "--executor", "slurm", "--poll-interval", "1", "--pack", "1"];

    [Fact]
    public async Task A_detached_driver_job_finishes_after_the_launching_command_returned_with_status_from_another_shell_mid_run_and_the_summary_notified()
    {
        using var ws = new PipelineWorkspace();
        File.WriteAllText(ws.File("notify.sh"), "#!/bin/sh\ncat > \"$1\"\n");
        var since = DateTime.Now.AddMinutes(-1);

        var launched = await ws.Build([.. Demo(ws, 6, 5), "--detach", "--driver-walltime", "00:30:00", "--notify", $"sh {ws.File("notify.sh")} {ws.File("summary.json")}"]);

        Assert.True(launched.ExitCode == 0, launched.Output + launched.Stderr);
        var said = Launched().Match(launched.Output);
        Assert.True(said.Success, launched.Output);
        var (job, log) = (said.Groups[1].Value, said.Groups[2].Value);
        Assert.Equal(ws.File($".databuild/detached/driver-{job}.log"), log);
        Assert.Contains("Watch it with: ./build.sh status --watch", launched.Output);

        // The launching command has returned: from here on only the driver job builds. Ask status until it shows the run mid-way.
        DriverResult status;
        var deadline = DateTime.UtcNow.AddMinutes(4);
        do
        {
            await Task.Delay(500);
            status = await Driver.RunAsync(ws.Path, "status");
        } while (!(status.Stdout.Count > 0 && status.Stdout[0].Contains(" is running ", StringComparison.Ordinal) && Built(status) >= 1)
                 && !File.Exists(ws.File("summary.json")) && DateTime.UtcNow < deadline);
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Matches(@"^Run \d+ is running \(pid \d+ on \S+, slurm\): ", status.Stdout[0]);
        Assert.InRange(Built(status), 1, 5);

        var summary = await WaitForFile(ws.File("summary.json"), TimeSpan.FromMinutes(5));
        var root = JsonDocument.Parse(summary).RootElement;
        Assert.Equal(("succeeded", 0), (root.GetProperty("result").GetString(), root.GetProperty("exit_code").GetInt32()));
        var built = root.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "SlurmDemo").GetProperty("built").GetInt32();
        Assert.Equal(6, built);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => i.ToString()), File.ReadAllLines(ws.File("executions.log")).OrderBy(int.Parse));
        Assert.Contains("Build succeeded", await WaitForText(log, "Build succeeded", TimeSpan.FromSeconds(60)));
        Assert.Equal("COMPLETED", await DriverJobState(job, since));
    }

    [Fact]
    public async Task A_driver_job_warned_of_its_time_limit_resubmits_itself_and_the_next_link_finishes_the_build_running_each_task_once()
    {
        using var ws = new PipelineWorkspace();
        File.WriteAllText(ws.File("notify.sh"), "#!/bin/sh\ncat > \"$1\"\n");

        // Two minutes for the driver, warned 30 s before the end (Slurm may warn up to a minute early); about 2.5 minutes of tasks.
        var launched = await ws.Build([.. Demo(ws, 8, 15), "--detach", "--driver-walltime", "00:02:00", "--driver-links", "6",
            "--notify", $"sh {ws.File("notify.sh")} {ws.File("summary.json")}"]);

        Assert.True(launched.ExitCode == 0, launched.Output + launched.Stderr);
        var first = Launched().Match(launched.Output).Groups[1].Value;
        var summary = await WaitForFile(ws.File("summary.json"), TimeSpan.FromMinutes(9));
        var root = JsonDocument.Parse(summary).RootElement;
        // In job order: by name, driver-101.log would come before driver-99.log.
        var logs = Directory.GetFiles(ws.File(".databuild/detached"), "driver-*.log")
            .OrderBy(p => long.Parse(Path.GetFileNameWithoutExtension(p)["driver-".Length..])).ToList();
        var firstLog = File.ReadAllText(ws.File($".databuild/detached/driver-{first}.log"));
        Assert.True(root.GetProperty("result").GetString() == "succeeded", summary + "\n" + string.Join("\n----\n", logs.Select(File.ReadAllText)));
        Assert.Matches($@"Driver job {first} is near its time limit: submitted driver job \d+ \(link 2 of at most 6\)", firstLog);
        Assert.DoesNotContain("Build succeeded", firstLog);
        Assert.InRange(logs.Count, 2, 6);
        Assert.Contains("Build succeeded", await WaitForText(logs[^1], "Build succeeded", TimeSpan.FromSeconds(60)));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i.ToString()), File.ReadAllLines(ws.File("executions.log")).OrderBy(int.Parse));
        Assert.Equal(8, Directory.GetFiles(ws.File("out/slurmdemo")).Length);
    }

    [GeneratedRegex(@"Detached: the driver runs as Slurm job (\d+) \(databuild-driver, .*\), its output goes to (\S+)\.")]
    private static partial Regex Launched();

    /// <summary>The "built" column of SlurmDemo's row in status's table.</summary>
    private static int Built(DriverResult status) =>
        status.Stdout.FirstOrDefault(l => l.StartsWith("SlurmDemo ", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, _, var b, ..]
            ? int.Parse(b) : -1;

    private static async Task<string> WaitForFile(string path, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        // The notify command writes the file as it reads stdin: wait until it is whole JSON.
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && File.ReadAllText(path) is var text && IsJson(text)) return text;
            await Task.Delay(500);
        }
        throw new TimeoutException($"{path} did not appear within {limit.TotalSeconds:F0} s; the driver logs are in {Path.GetDirectoryName(path)}/.databuild/detached/:\n" +
            string.Join("\n----\n", Directory.GetFiles(Path.Combine(Path.GetDirectoryName(path)!, ".databuild/detached"), "*.log").Select(File.ReadAllText)));
    }

    private static bool IsJson(string text)
    {
        try { JsonDocument.Parse(text).Dispose(); return true; }
        catch (JsonException) { return false; }
    }

    private static async Task<string> WaitForText(string path, string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && !(File.Exists(path) && File.ReadAllText(path).Contains(text, StringComparison.Ordinal))) await Task.Delay(200);
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    /// <summary>The driver job's state as sacct has it, asked until slurmdbd has its end (it lags the job); by name and start, as a restarted cluster reuses ids.</summary>
    private static async Task<string> DriverJobState(string job, DateTime since)
    {
        var state = "";
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var info = new ProcessStartInfo("sacct") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "-j", job, "--name=databuild-driver", $"--starttime={since:yyyy-MM-ddTHH:mm:ss}", "-X", "-n", "-P", "-o", "State" }) info.ArgumentList.Add(a);
            using var sacct = Process.Start(info)!;
            state = (await sacct.StandardOutput.ReadToEndAsync()).Trim();
            await sacct.WaitForExitAsync();
            if (state is not ("" or "RUNNING" or "PENDING")) return state;
            await Task.Delay(1000);
        }
        return state;
    }
}

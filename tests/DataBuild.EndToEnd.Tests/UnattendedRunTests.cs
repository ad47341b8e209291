using System.Text.Json;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>Unattended runs with the real driver: status from another shell mid-run, the notify command, the lock.</summary>
public sealed class UnattendedRunTests
{
    [Fact]
    public async Task Status_from_another_shell_shows_a_running_drivers_progress_and_the_notify_command_gets_the_summary()
    {
        using var ws = new FanoutWorkspace(300);
        File.WriteAllText(ws.File("notify.sh"), "#!/bin/sh\ncat > \"$1\"\n");
        using var driver = await ws.Start("-j", "1", "--fanout-task-seconds", "0.03", "--notify", $"sh {ws.File("notify.sh")} {ws.File("summary.json")}");
        await driver.WaitForBuiltLines(10);

        // The driver rewrites its progress file at most once a second: ask until it shows what the driver printed.
        DriverResult status;
        string[] features;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        do
        {
            status = await Driver.RunAsync(ws.Path, "status");
            features = status.Stdout.FirstOrDefault(l => l.StartsWith("FanoutFeatures ", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        } while (status.ExitCode == 0 && (features.Length < 5 || int.Parse(features[2]) < 10) && DateTime.UtcNow < deadline);
        var skipped = await ws.Build("--notify", $"sh {ws.File("notify.sh")} {ws.File("skipped.json")}");
        var watch = await Driver.RunAsync(ws.Path, "status", "--watch");
        var built = await driver.WaitAsync();

        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.StartsWith($"Run 1 is running (pid {driver.Pid} on {Environment.MachineName}, local): ", status.Stdout[0]);
        Assert.True(int.Parse(features[2]) >= 10, status.Output); // built
        Assert.Equal("1", features[3]); // running: -j 1
        Assert.True(int.Parse(features[4]) > 0, status.Output); // queued
        Assert.Equal(75, skipped.ExitCode);
        Assert.Contains("Another DataBuild driver is using", skipped.Stderr);
        var skippedSummary = JsonDocument.Parse(File.ReadAllText(ws.File("skipped.json"))).RootElement;
        Assert.Equal(("skipped", 75), (skippedSummary.GetProperty("result").GetString(), skippedSummary.GetProperty("exit_code").GetInt32()));
        Assert.Equal(0, watch.ExitCode);
        Assert.Contains(watch.Stdout, l => l.StartsWith("Run 1 succeeded (", StringComparison.Ordinal));
        Assert.Equal(0, built.ExitCode);
        var summary = JsonDocument.Parse(File.ReadAllText(ws.File("summary.json"))).RootElement;
        Assert.Equal(("succeeded", 0, 1), (summary.GetProperty("result").GetString(), summary.GetProperty("exit_code").GetInt32(), summary.GetProperty("run_id").GetInt64()));
        var targets = summary.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("built").GetInt32());
        Assert.Equal(300, targets["FanoutFeatures"]);
        Assert.Equal(0, summary.GetProperty("failures").GetArrayLength());
    }

    [Fact]
    public async Task The_cluster_profiles_notify_command_hears_every_build_run_with_the_profile_and_the_option_replaces_it()
    {
        using var ws = new FanoutWorkspace(20);
        File.WriteAllText(ws.File("notify.sh"), "#!/bin/sh\ncat > \"$1\"\n");
        File.WriteAllText(ws.File("databuild.yaml"), "notify: sh notify.sh from-profile.json\n");

        var built = await ws.Build();
        var summary = JsonDocument.Parse(File.ReadAllText(ws.File("from-profile.json"))).RootElement;
        File.Delete(ws.File("from-profile.json"));
        var upToDate = await ws.Build();
        var noOp = JsonDocument.Parse(File.ReadAllText(ws.File("from-profile.json"))).RootElement;
        File.Delete(ws.File("from-profile.json"));
        var overridden = await ws.Build("--notify", "sh notify.sh from-option.json");

        Assert.True(built.ExitCode == 0, built.Stderr);
        Assert.Equal("succeeded", summary.GetProperty("result").GetString());
        Assert.Equal(0, upToDate.ExitCode);
        Assert.Equal(0, noOp.GetProperty("exit_code").GetInt32());
        Assert.Equal(0, overridden.ExitCode);
        Assert.True(File.Exists(ws.File("from-option.json")));
        Assert.False(File.Exists(ws.File("from-profile.json")));
    }

    [Fact]
    public async Task A_detached_build_returns_at_once_and_finishes_in_the_background_with_its_output_in_the_log()
    {
        using var ws = new FanoutWorkspace(60);

        var launched = await ws.Build("--detach", "--fanout-task-seconds", "0.02");

        Assert.True(launched.ExitCode == 0, launched.Stderr);
        var said = System.Text.RegularExpressions.Regex.Match(launched.Output, @"Detached: the driver runs as pid (\d+), its output goes to (\S+)\.");
        Assert.True(said.Success, launched.Output);
        var (pid, log) = (said.Groups[1].Value, said.Groups[2].Value);
        Assert.StartsWith(ws.File(".databuild/detached/"), log);
        var deadline = DateTime.UtcNow.AddSeconds(150);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.False(Directory.Exists($"/proc/{pid}"), "the detached driver is still running");
        var output = File.ReadAllText(log);
        Assert.Contains("Build succeeded", output);
        Assert.Equal(60, Driver.BuiltNodes(output.Split('\n')).Count(n => n.StartsWith("FanoutFeatures", StringComparison.Ordinal)));
        Assert.True(File.Exists(ws.File("all.txt")));
    }
}

using DataBuild.Execution;
using DataBuild.IO;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Execution;

/// <summary>The real runner on this machine: what a child starts with, and how its program is found.</summary>
public sealed class PosixSpawnTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Log => _dir.File("task.log");

    private ProcessOutcome Run(IReadOnlyDictionary<string, string>? environment, params string[] argv) =>
        PosixProcessRunner.Instance.Run(new ProcessSpec(argv, _dir.Path, Log, environment), CancellationToken.None);

    [Fact]
    public void The_child_starts_with_no_standard_signal_ignored_and_none_blocked()
    {
        // The .NET runtime ignores SIGPIPE: a child that inherited it would not die writing to a closed pipe.
        // (glibc's posix_spawn itself leaves its two internal signals, 32 and 33, ignored: nothing sends them.)
        var outcome = Run(null, "grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status");

        Assert.True(outcome.Succeeded, File.ReadAllText(Log));
        var masks = File.ReadAllLines(Log).ToDictionary(l => l.Split(':')[0], l => Convert.ToUInt64(l.Split('\t')[1], 16));
        Assert.Equal(0UL, masks["SigBlk"]);
        Assert.Equal(0UL, masks["SigIgn"] & 0x7fff_ffff); // signals 1..31
    }

    [Fact]
    public void The_child_reads_stdin_from_dev_null()
    {
        var outcome = Run(null, "readlink", "/proc/self/fd/0");

        Assert.True(outcome.Succeeded);
        Assert.Equal("/dev/null\n", File.ReadAllText(Log));
    }

    [Fact]
    public void The_program_is_found_on_the_PATH_the_task_is_given()
    {
        if (!OperatingSystem.IsLinux()) return;
        var tools = Directory.CreateDirectory(_dir.File("tools")).FullName;
        File.WriteAllText(Path.Combine(tools, "greet"), "#!/bin/sh\necho hello from greet\n");
        File.SetUnixFileMode(Path.Combine(tools, "greet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var outcome = Run(new Dictionary<string, string> { ["PATH"] = $"{tools}:/usr/bin:/bin" }, "greet");

        Assert.True(outcome.Succeeded);
        Assert.Equal("hello from greet\n", File.ReadAllText(Log));
    }

    [Fact]
    public void A_program_missing_from_PATH_fails_to_start_with_the_name_and_the_fix()
    {
        var error = Assert.Throws<ProcessStartException>(() =>
            Run(new Dictionary<string, string> { ["PATH"] = _dir.Path }, "databuild-no-such-program"));

        Assert.Equal($"Program 'databuild-no-such-program' not found on PATH ({_dir.Path}). Install it or add its directory to PATH, "
            + "or give its path in argv (absolute, or relative to the workspace like ./tools/databuild-no-such-program).", error.Message);
    }

    [Fact]
    public void The_child_gets_the_drivers_environment_with_the_tasks_variables_added()
    {
        var outcome = Run(new Dictionary<string, string> { ["DATABUILD_TASK_VARIABLE"] = "from the task" },
            "sh", "-c", "echo \"$DATABUILD_TASK_VARIABLE\"; echo \"$HOME\"");
        var plain = PosixProcessRunner.Instance.Run(new ProcessSpec(["sh", "-c", "echo \"[$DATABUILD_TASK_VARIABLE]\""], _dir.Path, _dir.File("plain.log")), CancellationToken.None);

        Assert.True(outcome.Succeeded && plain.Succeeded);
        Assert.Equal($"from the task\n{Environment.GetEnvironmentVariable("HOME")}\n", File.ReadAllText(Log));
        Assert.Equal("[]\n", File.ReadAllText(_dir.File("plain.log")));
    }

    [Fact]
    public void A_missing_log_directory_is_made()
    {
        var log = _dir.File("logs/Target/p.log");

        var outcome = PosixProcessRunner.Instance.Run(new ProcessSpec(["echo", "logged"], _dir.Path, log), CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Equal("logged\n", File.ReadAllText(log));
    }

    [Fact]
    public void A_child_that_grows_past_the_driver_reports_its_own_peak_RSS()
    {
        // Past the test host's own high-water mark, whatever the tests before this one made it, with room to spare for
        // the ones running beside it.
        var hostKb = long.Parse(File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        var mb = Math.Max(600, hostKb / 1024 + 400);

        var outcome = Run(null, "python3", "-c", $"data = b'x' * ({mb} << 20)");

        Assert.True(outcome.Succeeded, File.ReadAllText(Log));
        Assert.InRange(outcome.PeakRssKb, mb << 10, (mb + 1400) << 10);
    }

    [Fact]
    public void A_small_child_running_a_while_reports_its_sampled_peak_not_the_drivers()
    {
        var outcome = Run(null, "sleep", "0.3");

        Assert.True(outcome.Succeeded);
        Assert.InRange(outcome.PeakRssKb, 1, Environment.WorkingSet / 1024 - 1);
    }

    [Fact]
    public void CPU_time_of_the_child_is_reported()
    {
        var outcome = Run(null, "sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done");

        Assert.True(outcome.Succeeded);
        Assert.True(outcome.CpuSeconds > 0, $"cpu {outcome.CpuSeconds}");
    }
}

using DataBuild.Execution;
using DataBuild.IO;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.RealDisk;

public sealed class PosixProcessRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ProcessOutcome Run(CancellationToken cancellation, params string[] argv) =>
        PosixProcessRunner.Instance.Run(new ProcessSpec(argv, _dir.Path, _dir.File("task.log")), cancellation);

    private ProcessOutcome Run(params string[] argv) => Run(CancellationToken.None, argv);

    // Counts to the checkpoint file every 0.1 s; on SIGUSR1 writes "saved" and exits 3. Writes "started" once its trap is set.
    private const string CheckpointingTask =
        "trap 'echo saved >> \"$1/events\"; exit 3' USR1; echo started >> \"$1/events\"; while :; do sleep 0.1; done";

    private async Task WaitForLine(string path, string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!(File.Exists(path) && File.ReadAllLines(path).Contains(line)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{path} never got the line '{line}'");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task A_relayed_signal_reaches_the_running_task_which_saves_and_exits()
    {
        var relay = new SignalRelay();
        var running = Task.Run(() => PosixProcessRunner.Instance.Run(
            new ProcessSpec(["sh", "-c", CheckpointingTask, "sh", _dir.Path], _dir.Path, _dir.File("task.log"), Signals: relay), CancellationToken.None));
        await WaitForLine(_dir.File("events"), "started");

        relay.Send(SignalRelay.Usr1);
        var outcome = await running;

        Assert.Equal(3, outcome.ExitCode);
        Assert.Equal(["started", "saved"], File.ReadAllLines(_dir.File("events")));
        Assert.True(relay.Warned);
    }

    [Fact]
    public async Task Cancelling_a_task_with_a_checkpoint_grace_sends_SIGUSR1_first_so_it_can_save()
    {
        using var cancel = new CancellationTokenSource();
        var running = Task.Run(() => PosixProcessRunner.Instance.Run(
            new ProcessSpec(["sh", "-c", CheckpointingTask, "sh", _dir.Path], _dir.Path, _dir.File("task.log"), CheckpointGrace: TimeSpan.FromSeconds(30)),
            cancel.Token));
        await WaitForLine(_dir.File("events"), "started");

        await cancel.CancelAsync();
        var outcome = await running;

        Assert.Equal(3, outcome.ExitCode); // its own exit after saving, not SIGTERM's
        Assert.Equal(["started", "saved"], File.ReadAllLines(_dir.File("events")));
    }

    [Fact]
    public void The_exit_code_is_reported()
    {
        var outcome = Run("sh", "-c", "exit 3");

        Assert.Equal(3, outcome.ExitCode);
        Assert.False(outcome.Succeeded);
        Assert.Equal("exit code 3", outcome.Describe());
    }

    [Fact]
    public void A_process_killed_by_a_signal_reports_the_signal()
    {
        var outcome = Run("sh", "-c", "kill -TERM $$");

        Assert.Equal(15, outcome.Signal);
        Assert.Equal("killed by signal 15", outcome.Describe());
    }

    [Fact]
    public void Stdout_and_stderr_are_appended_to_the_log()
    {
        File.WriteAllText(_dir.File("task.log"), "== header\n");

        var outcome = Run("sh", "-c", "echo to-stdout; echo to-stderr >&2");

        Assert.True(outcome.Succeeded);
        Assert.Equal("== header\nto-stdout\nto-stderr\n", File.ReadAllText(_dir.File("task.log")));
    }

    [Fact]
    public void A_missing_program_throws_ProcessStartException_naming_it()
    {
        var error = Assert.Throws<ProcessStartException>(() => Run("databuild-no-such-program", "x"));

        Assert.Contains("databuild-no-such-program", error.Message);
    }

    [Fact]
    public async Task Cancelling_kills_the_whole_process_group()
    {
        var pidFile = _dir.File("grandchild.pid");
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => Run(cancel.Token, "sh", "-c", $"sleep 300 & echo $! > {pidFile}.tmp && mv {pidFile}.tmp {pidFile}; wait"));
        var grandchild = await WaitForPid(pidFile);

        cancel.Cancel();
        var outcome = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(outcome.Succeeded);
        await WaitUntilGone(grandchild);
    }

    [Fact]
    public void Capture_returns_stdout_then_stderr_trimmed()
    {
        var output = PosixProcessRunner.Instance.Capture(["sh", "-c", "printf '  tool 1.2\\n'; echo 'built with gcc' >&2"], _dir.Path);

        Assert.Equal("tool 1.2\nbuilt with gcc", output);
    }

    [Fact]
    public void Capture_runs_in_the_working_directory_given()
    {
        var output = PosixProcessRunner.Instance.Capture(["pwd"], _dir.Path);

        Assert.Equal(_dir.Path, output);
    }

    [Fact]
    public void Capture_of_a_failing_command_throws_with_its_command_line_exit_code_and_output()
    {
        var error = Assert.Throws<ProcessStartException>(() =>
            PosixProcessRunner.Instance.Capture(["sh", "-c", "echo 'no such option' >&2; exit 4"], _dir.Path));

        Assert.Equal("'sh -c echo 'no such option' >&2; exit 4' exited with code 4: no such option", error.Message);
    }

    [Fact]
    public void Capture_of_a_missing_program_asks_whether_it_is_installed()
    {
        var error = Assert.Throws<ProcessStartException>(() =>
            PosixProcessRunner.Instance.Capture(["databuild-no-such-program", "--version"], _dir.Path));

        Assert.Equal($"Cannot run 'databuild-no-such-program': An error occurred trying to start process 'databuild-no-such-program' " +
            $"with working directory '{_dir.Path}'. No such file or directory. Is it installed and on PATH?", error.Message);
    }

    private static async Task<int> WaitForPid(string path)
    {
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path)) { EnableRaisingEvents = true };
        var created = new TaskCompletionSource();
        watcher.Renamed += (_, _) => created.TrySetResult();
        watcher.Created += (_, _) => created.TrySetResult();
        if (!File.Exists(path)) await created.Task.WaitAsync(TimeSpan.FromSeconds(30));
        return int.Parse(File.ReadAllText(path).Trim());
    }

    // A killed process is gone once its parent (init, after sh died) reaps it; there is no event to await for that.
    private static async Task WaitUntilGone(int pid)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (IsAlive(pid))
        {
            Assert.True(DateTime.UtcNow < deadline, $"process {pid} of the cancelled task's group is still alive");
            await Task.Delay(20);
        }
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat)) return false;
        try { return File.ReadAllText(stat).Split(' ')[2] != "Z"; }
        catch (IOException) { return false; }
    }
}

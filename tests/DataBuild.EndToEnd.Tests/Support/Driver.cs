using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DataBuild.EndToEnd.Tests.Support;

/// <summary>What one run of ./build.sh printed and how it ended.</summary>
public sealed record DriverResult(int ExitCode, IReadOnlyList<string> Stdout, string Stderr)
{
    public string Output => string.Join("\n", Stdout);

    /// <summary>The nodes of the "[i/n] built X (t s)" lines, printed when stdout is not a terminal.</summary>
    public IReadOnlyList<string> Built => Driver.BuiltNodes(Stdout);
}

/// <summary>Runs the real ./build.sh of this checkout in a working directory, as a user would.</summary>
public static partial class Driver
{
    private static string BuildScript => Path.Combine(Repository.Root, "build.sh");

    private static readonly Lazy<Task> Compiled = new(async () =>
    {
        // Compile build/ once up front, so every driver a test starts is the databuild process itself (build.sh
        // execs it), and no test's timing includes the compile.
        using var dir = new TempDirectory();
        // Publishing the engine takes a minute or two on an idle 2-core machine, several while other test projects run.
        // The tests run the published program: told to, build.sh waits for its publish rather than running a first
        // JIT-compiled program while publishing in the background (CompileModeTests covers that), unless the caller
        // chose a mode.
        using var running = await StartAsync(dir.Path, new Dictionary<string, string>(), ["--help"]);
        var result = await running.WaitAsync(TimeSpan.FromMinutes(20));
        if (result.ExitCode != 0) throw new InvalidOperationException($"./build.sh --help failed ({result.ExitCode}):\n{result.Stderr}");
    });

    public static Task<DriverResult> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>Runs ./build.sh with <paramref name="environment"/> added to this process's environment.</summary>
    public static async Task<DriverResult> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var running = await StartAsync(workingDirectory, environment, args);
        return await running.WaitAsync();
    }

    public static Task<RunningDriver> StartAsync(string workingDirectory, params string[] args) =>
        StartAsync(workingDirectory, new Dictionary<string, string>(), args);

    /// <summary>
    /// Starts ./build.sh; <paramref name="interruptible"/>: with SIGINT's default disposition, as from a terminal. A
    /// process started in the background of a shell without job control (as test runners and CI scripts start us)
    /// inherits SIGINT ignored, and the driver, like any Unix program, keeps an ignored SIGINT ignored.
    /// </summary>
    public static async Task<RunningDriver> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args,
        bool interruptible = false)
    {
        if (args is not ["--help"]) await Compiled.Value;
        var info = new ProcessStartInfo(interruptible ? "env" : BuildScript)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (interruptible)
        {
            info.ArgumentList.Add("--default-signal=INT"); // coreutils env; it then execs build.sh, which execs the driver: one pid
            info.ArgumentList.Add(BuildScript);
        }
        foreach (var a in args) info.ArgumentList.Add(a);
        // The published program in every run, unless the caller chose a mode: in the default mode ./build.sh would
        // compile the native program in the background and switch to it partway through the tests (CompileModeTests
        // covers that, in a copy of the checkout).
        if (Environment.GetEnvironmentVariable("DATABUILD_COMPILE") is not { Length: > 0 }) info.Environment["DATABUILD_COMPILE"] = "startup";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return new RunningDriver(Process.Start(info) ?? throw new InvalidOperationException("build.sh did not start"));
    }

    public static IReadOnlyList<string> BuiltNodes(IEnumerable<string> lines) =>
        lines.Select(l => BuiltLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex(@"^\[\d+/\d+\] built (\S+) \(")]
    private static partial Regex BuiltLine();
}

/// <summary>A driver that is running: its stdout lines as they arrive, to wait on, and a way to SIGKILL it.</summary>
public sealed class RunningDriver : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<IReadOnlyList<string>, bool> Condition, TaskCompletionSource Signal)> _waiters = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task<string> _stderr;

    public RunningDriver(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _stdoutClosed.TrySetResult(); Notify(closed: true); return; }
            lock (_lines) _lines.Add(e.Data);
            Notify(closed: false);
        };
        process.BeginOutputReadLine();
    }

    public int Pid => _process.Id;

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    /// <summary>Completes once stdout has <paramref name="count"/> "built" lines; fails if the driver ends first.</summary>
    public Task WaitForBuiltLines(int count) => WaitFor(lines => Driver.BuiltNodes(lines).Count >= count, $"{count} built lines");

    /// <summary>Completes once a stdout line contains <paramref name="text"/>; fails if the driver ends first.</summary>
    public Task WaitForLine(string text) => WaitFor(lines => lines.Any(l => l.Contains(text, StringComparison.Ordinal)), $"a line with '{text}'");

    private Task WaitFor(Func<IReadOnlyList<string>, bool> condition, string what)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            if (condition(_lines)) return Task.CompletedTask;
            if (_stdoutClosed.Task.IsCompleted) throw new InvalidOperationException($"The driver ended before printing {what}:\n{string.Join("\n", _lines)}");
            _waiters.Add((condition, signal));
        }
        return signal.Task.WaitAsync(TimeSpan.FromSeconds(120));
    }

    private void Notify(bool closed)
    {
        lock (_lines)
            foreach (var w in _waiters.ToList())
            {
                if (w.Condition(_lines)) w.Signal.TrySetResult();
                else if (closed) w.Signal.TrySetException(new InvalidOperationException($"The driver ended first:\n{string.Join("\n", _lines)}"));
                else continue;
                _waiters.Remove(w);
            }
    }

    /// <summary>SIGKILL, like a node crash or the OOM killer: no handler runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: false);

    /// <summary>A signal to the driver alone: 2 (SIGINT) as Ctrl-C in its terminal, 15 (SIGTERM) as kill (build.sh execs the program: this is its pid).</summary>
    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public Task<DriverResult> WaitAsync() => WaitAsync(TimeSpan.FromSeconds(150));

    /// <summary>Waits for the driver to end, at most <paramref name="limit"/>.</summary>
    public async Task<DriverResult> WaitAsync(TimeSpan limit)
    {
        await _process.WaitForExitAsync().WaitAsync(limit);
        await _stdoutClosed.Task;
        return new DriverResult(_process.ExitCode, Lines, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}

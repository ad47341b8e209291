using System.Diagnostics;
using System.Runtime.InteropServices;
using CliWrap.Buffered;
using CliWrap;

namespace DataBuild.IO;

/// <summary>
/// Starts commands with posix_spawn (the program looked up on PATH once per name, not in every child) and reaps them
/// with wait4, which gives the exact CPU time and peak RSS of the child (System.Diagnostics.Process cannot after
/// exit). Each child gets its own process group so cancellation kills the whole tree, stdin from /dev/null,
/// stdout+stderr appended to the log, and default signal handling (the .NET runtime ignores SIGPIPE, which children
/// would otherwise inherit).
/// </summary>
public sealed unsafe partial class PosixProcessRunner : IProcessRunner
{
    public static readonly PosixProcessRunner Instance = new();

    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    // The driver's environment as C strings, built once and shared (posix_spawn only reads it): reading and
    // converting every variable per task cost about 0.1 ms of a small task's driver time. Nothing in the engine
    // changes its own environment while it runs; a task's extra variables are merged per task as before.
    // Built on first spawn, not with the runner: a build with nothing to run should not pay for it.
    private static class Inherited
    {
        public static readonly nint Block = (nint)ToCStrings(MergedEnvironment(null));
    }

    private static byte** InheritedEnvironment => (byte**)Inherited.Block;

    private static readonly ExecutableSearch Programs = new(IsExecutableFile, path => File.Exists(path) || Directory.Exists(path));

    // Not CliWrap (as Capture is): a task needs its own process group to kill as a whole, and wait4's rusage for its
    // CPU time and peak RSS, which CliWrap does not give.
    public ProcessOutcome Run(ProcessSpec spec, CancellationToken cancellation)
    {
        if (!OperatingSystem.IsLinux()) return RunPortable(spec, cancellation);
        var started = Stopwatch.GetTimestamp();
        var pid = Spawn(spec);
        using var registration = cancellation.Register(() =>
        {
            if (spec.CheckpointGrace is { } grace) WarnThenTerminate(pid, grace);
            else Terminate(pid);
        });
        using var relayed = spec.Signals?.Register(signal => kill(-pid, signal));
        var sampled = ProcessSampler.Shared.Start(pid, spec.SampleGpu);
        int status;
        Rusage usage;
        while (true)
        {
            var r = wait4(pid, &status, 0, &usage);
            if (r == pid) break;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 4) throw new InvalidOperationException($"wait4({pid}) failed: errno {errno}"); // 4 = EINTR: retry
        }
        var (sampledHwmKb, samples) = ProcessSampler.Shared.Stop(sampled);
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = usage.UserSeconds + usage.SystemSeconds;
        var signal = status & 0x7f;
        var exit = signal == 0 ? (status >> 8) & 0xff : 128 + signal;
        // Linux carries the spawning process's RSS high-water mark into the child's ru_maxrss across exec, so a
        // 2 MB `cp` started by a 60 MB driver reports 60 MB. ru_maxrss is only the child's own when it exceeds our
        // own high-water mark now (never lower than at the child's exec); below that, the child's VmHWM sampled
        // while it ran is the honest figure, and 0 (unknown) for a child too short-lived to sample.
        var peak = usage.MaxRssKb > OwnMaxRssKb() ? usage.MaxRssKb : sampledHwmKb;
        return new ProcessOutcome(exit, signal, wall, cpu, peak) { Samples = samples };
    }

    private static long OwnMaxRssKb()
    {
        Rusage self;
        return getrusage(0 /* RUSAGE_SELF */, &self) == 0 ? self.MaxRssKb : long.MaxValue;
    }

    internal static long? ReadHwmKb(string statusPath)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return null;
    }

    public string Capture(IReadOnlyList<string> argv, string workingDirectory)
    {
        var command = CliWrap.Cli.Wrap(argv[0]).WithArguments(argv.Skip(1), escape: true).WithWorkingDirectory(workingDirectory)
            .WithValidation(CommandResultValidation.None);
        BufferedCommandResult result;
        try
        {
            // Blocking is safe: the program is a console app, with no synchronization context to deadlock on.
            result = command.ExecuteBufferedAsync().GetAwaiter().GetResult();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            // CliWrap wraps the runtime's start failure, whose message names the program, working directory and errno.
            throw new ProcessStartException($"Cannot run '{argv[0]}': {(e.InnerException ?? e).Message}. Is it installed and on PATH?");
        }
        var output = (result.StandardOutput + result.StandardError).Trim();
        return result.ExitCode == 0 ? output
            : throw new ProcessStartException($"'{string.Join(" ", argv)}' exited with code {result.ExitCode}: {output}");
    }

    private static int Spawn(ProcessSpec spec)
    {
        var name = spec.Argv[0];
        var searchPath = spec.Environment?.GetValueOrDefault("PATH") ?? System.Environment.GetEnvironmentVariable("PATH");
        var program = Programs.Resolve(name, searchPath, spec.WorkingDirectory);
        var logPath = Path.GetFullPath(spec.LogPath);
        var rc = TrySpawn(spec, program, logPath, out var pid);
        if (rc == Enoent)
        {
            // Either the log's directory is missing (the caller usually made it: creating it up front for every task
            // cost two syscalls) or the program found earlier is gone: fix both and try once more.
            Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
            Programs.Forget(name, searchPath, spec.WorkingDirectory);
            program = Programs.Resolve(name, searchPath, spec.WorkingDirectory);
            rc = TrySpawn(spec, program, logPath, out pid);
        }
        if (rc == 0) return pid;
        throw new ProcessStartException(rc == Enoent
            ? name.Contains('/')
                ? $"Program '{name}' not found (relative to {spec.WorkingDirectory}). Is the path right, relative to the workspace?"
                : $"Cannot start '{name}' ({program}): no such file or directory. Does the working directory {spec.WorkingDirectory} exist?"
            : $"Cannot start '{name}' ({program}): {Marshal.GetPInvokeErrorMessage(rc)} (errno {rc}).");
    }

    private const int Enoent = 2;

    /// <summary>posix_spawn of an already resolved program: 0, or the errno of the failed step (ENOENT for a missing log directory too).</summary>
    private static int TrySpawn(ProcessSpec spec, string program, string logPath, out int pid)
    {
        var argv = ToCStrings(spec.Argv);
        var env = spec.Environment is null ? InheritedEnvironment : Merged.GetValue(spec.Environment, extra => new EnvironmentBlock(ToCStrings(MergedEnvironment(extra)))).Block;
        var actions = NativeMemory.AllocZeroed(512); // posix_spawn_file_actions_t is 80 bytes on glibc x86_64/arm64
        var attr = NativeMemory.AllocZeroed(1024);   // posix_spawnattr_t is 336 bytes
        var sigset = NativeMemory.AllocZeroed(256);  // sigset_t is 128 bytes
        try
        {
            Check(posix_spawn_file_actions_init(actions), "file_actions_init");
            Check(posix_spawn_file_actions_addopen(actions, 0, "/dev/null", 0 /* O_RDONLY */, 0), "addopen stdin");
            Check(posix_spawn_file_actions_addopen(actions, 1, logPath, 0x1 | 0x40 | 0x400 /* O_WRONLY|O_CREAT|O_APPEND */, 0x1a4 /* 0644 */), "addopen log");
            Check(posix_spawn_file_actions_adddup2(actions, 1, 2), "adddup2");
            Check(posix_spawn_file_actions_addchdir_np(actions, spec.WorkingDirectory), "addchdir");
            Check(posix_spawnattr_init(attr), "attr_init");
            Check(posix_spawnattr_setpgroup(attr, 0), "setpgroup");
            sigemptyset(sigset);
            Check(posix_spawnattr_setsigmask(attr, sigset), "setsigmask");
            // glibc's child already resets every signal with a handler; these are the ones the runtime (or whoever
            // started us, like nohup) may have set to SIG_IGN, which a child would otherwise inherit.
            foreach (var sig in new[] { 1, 2, 3, 13, 15, 17 }) sigaddset(sigset, sig); // HUP INT QUIT PIPE TERM CHLD
            Check(posix_spawnattr_setsigdefault(attr, sigset), "setsigdefault");
            Check(posix_spawnattr_setflags(attr, 0x02 | 0x04 | 0x08), "setflags"); // SETPGROUP | SETSIGDEF | SETSIGMASK
            int spawned;
            var rc = posix_spawn(&spawned, program, actions, attr, argv, env);
            pid = rc == 0 ? spawned : 0;
            return rc;
        }
        finally
        {
            posix_spawn_file_actions_destroy(actions);
            posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            FreeCStrings(argv);
            GC.KeepAlive(spec.Environment); // its block is freed only once the dictionary is collected
        }
    }

    // A task's variables merged into the driver's, once per dictionary: the engine gives every task of a target the
    // same one (its thread counts), so a million host tasks convert the environment a handful of times, not a million.
    // The variables of a spec must not change once it has run.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyDictionary<string, string>, EnvironmentBlock> Merged = new();

    private sealed class EnvironmentBlock(byte** block)
    {
        public byte** Block { get; } = block;

        ~EnvironmentBlock() => FreeCStrings(Block);
    }

    private static bool IsExecutableFile(string path) => access(path, 1 /* X_OK */) == 0 && !Directory.Exists(path);

    // A checkpointing task is told first (as Slurm's --signal does before a time limit) and given its grace to save.
    private static void WarnThenTerminate(int pid, TimeSpan grace)
    {
        kill(-pid, SignalRelay.Usr1);
        _ = Task.Delay(grace).ContinueWith(_ => Terminate(pid), TaskScheduler.Default);
    }

    private static void Terminate(int pid)
    {
        kill(-pid, 15);
        // Escalate if the group ignores SIGTERM; a reaped pid group no longer exists, so the late SIGKILL is harmless.
        _ = Task.Delay(KillGrace).ContinueWith(_ => kill(-pid, 9), TaskScheduler.Default);
    }

    // Loops, not LINQ: LINQ over the dictionary's pairs is generic code compiled at run time, at the first task of every build.
    private static List<string> MergedEnvironment(IReadOnlyDictionary<string, string>? extra)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables())
            env[(string)e.Key] = (string?)e.Value ?? "";
        if (extra is not null) foreach (var (k, v) in extra) env[k] = v;
        var lines = new List<string>(env.Count);
        foreach (var (k, v) in env) lines.Add($"{k}={v}");
        return lines;
    }

    private static byte** ToCStrings(IReadOnlyList<string> strings)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < strings.Count; i++) array[i] = (byte*)Marshal.StringToCoTaskMemUTF8(strings[i]);
        return array;
    }

    private static void FreeCStrings(byte** array)
    {
        for (var p = array; *p != null; p++) Marshal.FreeCoTaskMem((IntPtr)(*p));
        NativeMemory.Free(array);
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0) throw new InvalidOperationException($"posix_spawn {what} failed: errno {rc}");
    }

    private static ProcessOutcome RunPortable(ProcessSpec spec, CancellationToken cancellation)
    {
        // Outside Linux: System.Diagnostics.Process, without exact CPU and peak RSS after exit.
        var psi = new ProcessStartInfo(spec.Argv[0]) { WorkingDirectory = spec.WorkingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in spec.Argv.Skip(1)) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var log = new StreamWriter(spec.LogPath, append: true);
        using var p = Process.Start(psi) ?? throw new ProcessStartException($"Cannot start '{spec.Argv[0]}'.");
        using var reg = cancellation.Register(() => { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        var err = p.StandardError.ReadToEndAsync();
        log.Write(p.StandardOutput.ReadToEnd());
        log.Write(err.Result);
        p.WaitForExit();
        return new ProcessOutcome(p.ExitCode, 0, sw.Elapsed.TotalSeconds, p.TotalProcessorTime.TotalSeconds, 0);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec, MaxRssKb;
        private fixed long _rest[13];

        public readonly double UserSeconds => UtimeSec + UtimeUsec / 1e6;
        public readonly double SystemSeconds => StimeSec + StimeUsec / 1e6;
    }

    /// <summary>CPU seconds used so far by the calling thread (getrusage RUSAGE_THREAD), for in-process tasks.</summary>
    public static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        Rusage usage;
        return getrusage(1, &usage) == 0 ? usage.UserSeconds + usage.SystemSeconds : 0;
    }

    /// <summary>The kernel's id of the calling thread (gettid), as /proc/self/task/&lt;tid&gt; names it.</summary>
    internal static int CurrentThreadId() => OperatingSystem.IsLinux() ? gettid() : 0;

    /// <summary>Starts sampling the calling thread, which runs an in-process task; dispose the handle's result with <see cref="StopSampling"/>.</summary>
    public static object StartSamplingThisThread() => ProcessSampler.Shared.StartThisThread();

    /// <summary>The samples taken since <see cref="StartSamplingThisThread"/>.</summary>
    public static IReadOnlyList<ResourceSample> StopSampling(object handle) => ProcessSampler.Shared.Stop((ProcessSampler.Child)handle).Samples;

    [LibraryImport("libc")] private static partial int gettid();
    [LibraryImport("libc", SetLastError = true)] private static partial int wait4(int pid, int* status, int options, Rusage* usage);
    [LibraryImport("libc")] private static partial int getrusage(int who, Rusage* usage);
    [LibraryImport("libc")] private static partial int kill(int pid, int sig);
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int posix_spawn(int* pid, string path, void* actions, void* attr, byte** argv, byte** envp);
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)] private static partial int access(string path, int mode);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_init(void* actions);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_destroy(void* actions);
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int posix_spawn_file_actions_addopen(void* actions, int fd, string path, int flags, int mode);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);
    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int posix_spawn_file_actions_addchdir_np(void* actions, string path);
    [LibraryImport("libc")] private static partial int posix_spawnattr_init(void* attr);
    [LibraryImport("libc")] private static partial int posix_spawnattr_destroy(void* attr);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setpgroup(void* attr, int pgroup);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setflags(void* attr, short flags);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);
    [LibraryImport("libc")] private static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);
    [LibraryImport("libc")] private static partial int sigemptyset(void* set);
    [LibraryImport("libc")] private static partial int sigaddset(void* set, int signal);
}

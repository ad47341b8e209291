using System.Diagnostics;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Execution;

/// <summary>
/// Runs one invocation with atomic outputs: the task writes into an empty staging directory; then every declared
/// output must exist there and nothing undeclared may, the outputs are hashed, and only then renamed into place.
/// A crash at any moment leaves the old complete output or the new one, never a partial file taken as built.
/// Used by the local executor and by Slurm workers alike.
/// </summary>
/// <param name="containers">The container runtimes, for invocations that run in one.</param>
/// <param name="signals">Where a time-limit warning arrives (a Slurm worker's SIGUSR1), passed on to tasks that keep a checkpoint.</param>
public sealed class NodeRunner(IFileSystem fileSystem, IProcessRunner processes, IClock clock, ContainerEngines? containers = null,
    SignalRelay? signals = null)
{
    private volatile SpareStagingDirectories? _spares;

    public RunResult Run(Invocation invocation, TaskSpec task, CancellationToken cancellation)
    {
        var started = clock.UtcNow;
        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<ResourceSample> samples = [];
        RunResult Fail(BuildStatus status, string message, int? exitCode = null, double? cpu = null, long? rss = null)
        {
            AppendLog(invocation.LogPath, $"== failed: {message}");
            return new RunResult
            {
                Node = invocation.Node, Status = status, ExitCode = exitCode, Message = message, StartedAt = started, EndedAt = clock.UtcNow,
                WallSeconds = stopwatch.Elapsed.TotalSeconds, CpuSeconds = cpu, PeakRssKb = rss, Attempt = invocation.Attempt, Samples = samples,
            };
        }

        PrepareStaging(invocation);
        AppendLog(invocation.LogPath, $"== {invocation.Node} attempt {invocation.Attempt} on {Environment.MachineName} at {started:u}" +
            (invocation.Argv is null ? "" : $"\n== argv: {string.Join(" ", invocation.Argv.Select(Quote))}"));

        double? cpu = null;
        long? rss = null;
        if (cancellation.IsCancellationRequested) return Fail(BuildStatus.Cancelled, "cancelled");
        if (invocation.Argv is { } argv)
        {
            if (invocation.CheckpointDirectory is { } checkpoint) fileSystem.CreateDirectory(checkpoint);
            ProcessOutcome outcome;
            if (invocation.ScratchDirectory is { } scratch)
            {
                if (fileSystem.Stat(scratch) is not null) fileSystem.Delete(scratch);
                fileSystem.CreateDirectory(scratch);
            }
            try
            {
                var (command, environment) = Command(invocation, argv);
                if (!ReferenceEquals(command, argv)) AppendLog(invocation.LogPath, $"== in container: {string.Join(" ", command.Select(Quote))}");
                // A task that keeps a checkpoint is warned before it is stopped (time limit, Ctrl-C), and given time to save.
                var checkpoints = invocation.CheckpointDirectory is not null;
                outcome = processes.Run(new ProcessSpec(command, fileSystem.FullPath("."), fileSystem.FullPath(invocation.LogPath), environment,
                    SampleGpu: invocation.Gpus > 0, Signals: checkpoints ? signals : null,
                    CheckpointGrace: checkpoints ? TimeSpan.FromSeconds(invocation.Scheduler?.SignalSeconds ?? SchedulerSettings.DefaultSignalSeconds) : null),
                    cancellation);
            }
            catch (Exception e) when (e is ProcessStartException or ContainerException)
            {
                return Fail(BuildStatus.Failed, e.Message);
            }
            finally
            {
                if (invocation.ScratchDirectory is { } used) fileSystem.Delete(used);
            }
            cpu = outcome.CpuSeconds;
            samples = outcome.Samples;
            rss = outcome.PeakRssKb > 0 ? outcome.PeakRssKb : null;
            if (cancellation.IsCancellationRequested) return Fail(BuildStatus.Cancelled, "cancelled", outcome.ExitCode, cpu, rss);
            if (!outcome.Succeeded)
                return Fail(BuildStatus.Failed, $"{outcome.Describe()}; log: {invocation.LogPath}", outcome.ExitCode, cpu, rss);
        }
        else if (task is IInProcessTask inProcess)
        {
            var cpuBefore = PosixProcessRunner.ThreadCpuSeconds();
            var sampling = OperatingSystem.IsLinux() ? PosixProcessRunner.StartSamplingThisThread() : null;
            void StopSampling()
            {
                if (sampling is not null) samples = PosixProcessRunner.StopSampling(sampling);
                sampling = null;
            }
            // A C# step that keeps a checkpoint hears the time-limit warning through its context, as a process would through SIGUSR1.
            using var checkpointRequested = new CancellationTokenSource();
            using var relayed = invocation.CheckpointDirectory is not null ? signals?.Register(_ => checkpointRequested.Cancel()) : null;
            if (relayed is not null && signals!.Warned) checkpointRequested.Cancel();
            try
            {
                using var log = new StreamWriter(fileSystem.Append(invocation.LogPath)) { AutoFlush = true };
                inProcess.Run(new TaskContext(invocation, fileSystem.FullPath, log, cancellation, fileSystem.CreateDirectory, checkpointRequested.Token));
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                StopSampling();
                return Fail(BuildStatus.Cancelled, "cancelled");
            }
            catch (OperationCanceledException) when (checkpointRequested.IsCancellationRequested)
            {
                StopSampling();
                return Fail(BuildStatus.Failed, $"stopped when asked to checkpoint (SIGUSR1); what it saved is in {invocation.CheckpointDirectory}", 1);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                StopSampling();
                // A failed read names its file in the message; any other exception's type says what kind of bug it is.
                var message = e is TaskFailedException or IOException ? e.Message : $"{e.GetType().Name}: {e.Message}";
                AppendLog(invocation.LogPath, e.ToString());
                return Fail(BuildStatus.Failed, $"{message}; log: {invocation.LogPath}", 1);
            }
            StopSampling();
            cpu = PosixProcessRunner.ThreadCpuSeconds() - cpuBefore;
        }
        else
        {
            return Fail(BuildStatus.Failed, $"target {invocation.Target} has no task to run");
        }

        var problem = CheckStaging(invocation);
        if (problem is not null) return Fail(BuildStatus.Failed, problem, 0, cpu, rss);

        var outputs = new List<OutputEntry>();
        var files = new List<FileHash>();
        foreach (var o in invocation.Outputs)
        {
            Hash128 hash;
            if (o.IsDirectory)
            {
                var tree = fileSystem.ListFiles(o.StagingPath).Select(rel => (rel, HashStaged(o.StagingPath + "/" + rel))).ToList();
                files.AddRange(tree.Select(t => new FileHash(o.Path + "/" + t.rel, t.Item2)));
                hash = FileHasher.TreeHash(tree);
            }
            else
            {
                hash = HashStaged(o.StagingPath);
                files.Add(new FileHash(o.Path, hash));
            }
            outputs.Add(new OutputEntry(o.Name, o.Path, hash));
        }
        foreach (var o in invocation.Outputs) fileSystem.Replace(o.StagingPath, o.Path);
        RemoveEmptiedStaging(invocation);
        // Done: what the attempts saved to resume from is of no use any more.
        if (invocation.CheckpointDirectory is { } done && fileSystem.Stat(done) is not null) fileSystem.Delete(done);
        AppendLog(invocation.LogPath, $"== ok in {stopwatch.Elapsed.TotalSeconds:F2} s");
        return new RunResult
        {
            Node = invocation.Node, Status = BuildStatus.Succeeded, ExitCode = 0, Outputs = outputs, Files = files, StartedAt = started,
            EndedAt = clock.UtcNow, WallSeconds = stopwatch.Elapsed.TotalSeconds, CpuSeconds = cpu, PeakRssKb = rss, Attempt = invocation.Attempt,
            Samples = samples,
        };
    }

    /// <summary>
    /// The command that runs <paramref name="argv"/> and the variables it gets: thread counts and the assigned GPUs;
    /// in a container, the runtime's command with the workspace mounted read-only at its own path (so every path in
    /// argv means the same inside), the staging, scratch and checkpoint directories writable, and inputs outside the workspace
    /// mounted read-only.
    /// </summary>
    private (string[] Argv, IReadOnlyDictionary<string, string>? Environment) Command(Invocation invocation, string[] argv)
    {
        // The target's own dictionary when nothing is added: the process runner converts each dictionary once.
        if (invocation.Container is null && invocation.GpuIds is not { Count: > 0 })
            return (argv, invocation.Environment is { Count: > 0 } shared ? shared : null);
        var environment = invocation.Environment is { } set ? new Dictionary<string, string>(set, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        if (invocation.GpuIds is { Count: > 0 } ids) environment[Gpu.VisibleDevices] = string.Join(",", ids);
        if (invocation.Container is not { } container) return (argv, environment);
        if (containers is null) throw new ContainerException($"{invocation.Node} runs in container {container.Image}, but this runner was given no container runtimes.");
        var engine = containers.Engine(container.Runtime, container.Image);
        var root = fileSystem.FullPath(".") is var dot && dot.EndsWith("/.", StringComparison.Ordinal) ? dot[..^2] : fileSystem.FullPath(".");
        var mounts = new List<ContainerMount> { new(root, root, ReadOnly: true) };
        void Writable(string path)
        {
            var full = fileSystem.FullPath(path);
            mounts.Add(new ContainerMount(full, full, ReadOnly: false));
        }
        Writable(invocation.StagingDirectory);
        if (invocation.ScratchDirectory is { } scratch) Writable(scratch);
        if (invocation.CheckpointDirectory is { } checkpoint) Writable(checkpoint);
        foreach (var paths in invocation.Inputs.Values)
            foreach (var path in paths)
            {
                var full = fileSystem.FullPath(path);
                if (!full.StartsWith(root + "/", StringComparison.Ordinal) && mounts.All(m => m.Source != full)) mounts.Add(new ContainerMount(full, full, ReadOnly: true));
            }
        var pass = container.PassEnvironment.ToList();
        if (invocation.Gpus > 0 && invocation.GpuIds is null) pass.Add(Gpu.VisibleDevices); // the allocation's, e.g. Slurm's
        var wrapped = engine.Wrap(new ContainerRun
        {
            Image = container.Image, Argv = argv, WorkingDirectory = root, Mounts = mounts, Environment = environment, PassEnvironment = pass,
            Gpus = invocation.GpuIds?.Count ?? invocation.Gpus, GpuIds = invocation.GpuIds, Network = container.Network,
        });
        return (wrapped.Argv, wrapped.Environment.Count == 0 ? null : wrapped.Environment);
    }

    /// <summary>
    /// From now on an emptied staging directory is kept for the next task instead of removed, until the returned
    /// handle is disposed (which removes what is left). For a long-lived driver running many tasks, like the local
    /// executor; a Slurm worker with its few tasks does without.
    /// </summary>
    public IDisposable ReuseStagingDirectories()
    {
        var spares = new SpareStagingDirectories(fileSystem);
        _spares = spares;
        return new Releaser(() =>
        {
            if (_spares == spares) _spares = null;
            spares.RemoveAll();
        });
    }

    /// <summary>
    /// An empty staging directory with the parent of each output: a spare renamed into place, else made top-down
    /// (each mkdir finds its parent, where creating the deepest first failed and walked up). A leftover (a retry,
    /// a requeued job) costs one stat to see.
    /// </summary>
    private void PrepareStaging(Invocation invocation)
    {
        var staging = invocation.StagingDirectory;
        if (fileSystem.Stat(staging) is not null) fileSystem.Delete(staging);
        if (_spares?.TryMoveTo(staging) == true)
        {
            // An empty directory a previous task left is invisible to the undeclared-output check: none may sit where an output goes.
            if (invocation.Outputs.All(o => fileSystem.Stat(o.StagingPath) is null))
            {
                MakeOutputParents(invocation);
                return;
            }
            fileSystem.Delete(staging);
        }
        fileSystem.CreateDirectory(staging);
        MakeOutputParents(invocation);
    }

    private void MakeOutputParents(Invocation invocation)
    {
        foreach (var o in invocation.Outputs)
        {
            var parent = Path.GetDirectoryName(o.StagingPath)!;
            if (parent != invocation.StagingDirectory) fileSystem.CreateDirectory(parent);
            if (o.IsDirectory) fileSystem.CreateDirectory(o.StagingPath);
        }
    }

    /// <summary>
    /// Once every output was renamed out, only empty directories remain: kept as a spare, or removed deepest first,
    /// a stat and an rmdir each, where deleting the tree listed it first.
    /// </summary>
    private void RemoveEmptiedStaging(Invocation invocation)
    {
        if (_spares?.Keep(invocation.StagingDirectory) == true) return;
        foreach (var o in invocation.Outputs)
        {
            var parent = Path.GetDirectoryName(o.StagingPath)!;
            if (parent != invocation.StagingDirectory) fileSystem.Delete(parent);
        }
        fileSystem.Delete(invocation.StagingDirectory);
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    /// <summary>Every declared output exists in staging with the declared kind, and nothing else was written there.</summary>
    private string? CheckStaging(Invocation invocation)
    {
        foreach (var o in invocation.Outputs)
        {
            var stat = fileSystem.Stat(o.StagingPath);
            if (stat is null || (stat.Value.IsDirectory && !o.IsDirectory))
            {
                var hint = fileSystem.Stat(o.Path) is not null
                    ? $" The final path {o.Path} exists: the task may have written there directly; it must write to the staging path it is given ({{out}} / ctx.Output(\"{o.Name}\"))."
                    : $" The task must write it to the staging path it is given ({{out:{o.Name}}} in argv, ctx.Output(\"{o.Name}\") in C#).";
                return $"declared output '{o.Name}' ({o.Path}) was not written.{hint}";
            }
            if (o.IsDirectory && !stat.Value.IsDirectory)
                return $"declared output directory '{o.Name}' ({o.Path}) was written as a file.";
        }
        var declared = invocation.Outputs.Select(o => o.StagingPath).ToList();
        foreach (var rel in fileSystem.ListFiles(invocation.StagingDirectory))
        {
            var path = invocation.StagingDirectory + "/" + rel;
            if (!declared.Any(d => path == d || path.StartsWith(d + "/", StringComparison.Ordinal)))
                return $"the task wrote an undeclared output '{rel}' next to its outputs; declare it with .Output(...) or write it elsewhere.";
        }
        return null;
    }

    private Hash128 HashStaged(string path)
    {
        using var stream = fileSystem.OpenRead(path);
        return ContentHasher.Hash(stream);
    }

    private void AppendLog(string logPath, string line)
    {
        using var log = new StreamWriter(fileSystem.Append(logPath));
        log.Write(line + "\n");
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}

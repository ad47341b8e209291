using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.Scheduling;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Cli;

/// <summary>The build command (and --plan): runs a session and prints what happened, per target.</summary>
internal static partial class Commands
{
    /// <param name="selectors">The command line's positional arguments, parsed (by the host, which loads the model for them).</param>
    public static int Build(PipelineModel model, Workspace workspace, CommandLine line, List<NodeSelector> selectors, TextWriter o,
        IReadOnlyList<ParameterDescriptor> parameters, UpToDateSnapshot.Pending? snapshot)
    {
        if (selectors.Count == 0)
            throw new UsageException($"Name a target to build. Available targets are: {string.Join(", ", model.Order)}. Run ./build.sh --help for more.");
        foreach (var s in selectors) model.Get(s.Target);
        var plan = line.Has("plan");
        // Read once, when first needed: the driver job, the notify command and the scheduler settings all come from it.
        // Every declared target, not only those this build evaluated: a profile names targets of the whole pipeline.
        SchedulerProfile? profile = null;
        SchedulerProfile Profile() => profile ??= ClusterProfile.Load(line, Environment.CurrentDirectory, model.Declared);
        if (line.Has("detach"))
        {
            if (plan) throw new UsageException("--detach runs a build in the background; a --plan runs nothing to detach.");
            RequireSecrets(model, workspace); // before the shell is let go: an unset secret is said here, not in a log
            return line.Value("executor") == "slurm"
                ? DriverJob.Start(new Slurm.SlurmClient(), workspace, Profile(), line.Arguments,
                    DriverJob.Links(line), o)
                : Detach.Start(SetsidLauncher.Instance, workspace, line.Arguments, o);
        }
        var jobs = line.Value("jobs") is { } j ? (int.TryParse(j, out var n) && n > 0 ? n : throw new UsageException($"-j needs a positive number, got '{j}'.")) : Environment.ProcessorCount;
        var executorName = line.Value("executor") ?? "local";
        if (executorName is not ("local" or "slurm"))
            throw new UsageException($"Unknown executor '{executorName}'. Available executors are: local, slurm.");
        // Made only when the up-to-date snapshot did not answer, as its answer needs neither the console nor the
        // process's command line.
        BuildOptions Options() => new()
        {
            Selectors = selectors,
            Plan = plan,
            KeepGoing = line.Has("keep-going"),
            Command = CommandText(),
            Scheduler = Profile(),
        };

        if (plan)
        {
            using var planned = new ReadOnlyPlan(model, workspace, Options());
            var outcome = planned.Outcome;
            Report.Plan(o, outcome, line.Has("verbose"));
            return outcome.Nodes.Any(n => n.State == NodeState.Failed) ? DataBuildHost.BuildFailed : DataBuildHost.Ok;
        }

        // Nothing changed since a build of this very command found everything up to date: say so without reading
        // the state or building the graph. DATABUILD_SNAPSHOT=0 always checks in full.
        var snapshots = snapshot is not null && !line.Has("verbose");
        // The console's error stream only when a notify command has something to say (bench/README.md, round 14).
        var notifier = Notifier.From(line, ProcessHookRunner.Instance, workspace.FileSystem.FullPath("."), () => Console.Error,
            () => Profile().Notify);
        var started = workspace.Clock.UtcNow;
        var answer = snapshots ? UpToDateSnapshot.Check(model, workspace, snapshot!, selectors) : default;
        if (answer.UpToDate is { } upToDate)
        {
            Report.UpToDate(o, upToDate, workspace.Clock.Elapsed);
            Diagnostics.Timings.Mark("reported");
            if (answer.Refreshed is { } refreshed) RefreshSnapshot(workspace, line.Arguments, refreshed);
            notifier?.Send(RunSummary.UpToDate(upToDate.Rows, upToDate.RunId, CommandText(), started, workspace.Clock.UtcNow, workspace));
            return DataBuildHost.Ok;
        }
        snapshot?.Dispose();
        try
        {
            return BuildInFull(model, workspace, line, o, parameters, selectors, Options() with { Prior = answer.Prior }, jobs, executorName, snapshots, notifier);
        }
        catch (Exception e) when (notifier is not null && e is not OutOfMemoryException)
        {
            // The build stopped before it had an outcome (another driver holds the lock, the state is damaged): the
            // notify command hears it too, with what the user sees on stderr.
            var printed = new StringWriter();
            var code = DataBuildHost.Report(e, printed);
            notifier.Send(RunSummary.Stopped(e is LockedException ? "skipped" : "error", code, CommandText(), started, workspace.Clock.UtcNow, workspace, printed.ToString().Trim()));
            throw;
        }
    }

    private static void WarmComparers()
    {
        _ = EqualityComparer<int>.Default;
        _ = EqualityComparer<long>.Default;
        _ = EqualityComparer<ulong>.Default;
        _ = EqualityComparer<(IO.WitnessKind, string)>.Default;
    }

    private static string CommandText() => "./build.sh " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));

    // Files that held by their content (touched, or written just before the last build) get their new stats, so the
    // next no-op trusts their stats again; skipped while a build holds the lock, whose own snapshot replaces this one.
    private static void RefreshSnapshot(Workspace workspace, IReadOnlyList<string> arguments, byte[] refreshed)
    {
        try
        {
            using var _ = BuildLock.Acquire(workspace.FileSystem.FullPath(workspace.StateDirectory));
            var whyNot = UpToDateSnapshot.Write(workspace, arguments, refreshed);
            Diagnostics.Timings.Mark(whyNot is null ? "snapshot refreshed" : $"snapshot not refreshed: {whyNot}");
        }
        catch (Exception e) when (e is LockedException or StateException or IOException or UnauthorizedAccessException)
        {
            Diagnostics.Timings.Mark($"snapshot not refreshed: {e.Message}");
        }
    }

    /// <summary>
    /// The build itself: state, graph, executor. A method of its own, so that an answer from the up-to-date snapshot
    /// never loads what it names (the console among them).
    /// </summary>
    private static int BuildInFull(PipelineModel model, Workspace workspace, CommandLine line, TextWriter o, IReadOnlyList<ParameterDescriptor> parameters,
        List<NodeSelector> selectors, BuildOptions options, int jobs, string executorName, bool snapshots, Notifier? notifier)
    {
        // The default comparers of the keys a build's collections use are made by reflection, with code compiled at run
        // time, at their first use: on an idle core while the state opens rather than on the build's path (bench/README.md, round 16).
        // A thread of its own: the thread pool, which nothing else in such a build starts, would cost more to start than this saves.
        new Thread(WarmComparers) { IsBackground = true, Name = "DataBuild warm-up" }.UnsafeStart();
        RequireSecrets(model, workspace);
        RequireContainers(model, workspace);
        var fancy = !Console.IsOutputRedirected && !line.Has("no-progress") && Environment.GetEnvironmentVariable("CI") is null;
        var stateDirectory = workspace.FileSystem.FullPath(workspace.StateDirectory);
        using var buildLock = line.Has("wait-for-lock")
            ? BuildLock.AcquireWaiting(stateDirectory, Console.Error.WriteLine, TimeSpan.FromSeconds(5))
            : BuildLock.Acquire(stateDirectory);
        using var store = StateStore.Open(workspace.StatePath);
        Diagnostics.Timings.Mark("state opened");
        var runner = new NodeRunner(workspace.FileSystem, workspace.Processes, workspace.Clock, workspace.Containers);
        using IExecutor executor = executorName == "slurm"
            ? SlurmCommandLine.Executor(line, workspace, store, parameters, fancy ? null : o)
            : new LocalExecutor(runner, jobs, LocalExecutor.AvailableMemoryMb(), GpuBudget(line, workspace));
        using var cancel = new CancellationTokenSource();
        // SIGINT through PosixSignalRegistration, not Console.CancelKeyPress: the same handling without initializing the
        // console (bench/README.md, round 15).
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl-C ends the process at once
            c.Cancel = true;
            Console.Error.WriteLine("\nInterrupted: stopping running tasks and recording what finished (Ctrl-C again to abort).");
            cancel.Cancel();
        });
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            cancel.Cancel();
        });
        var driverStarted = workspace.Clock.UtcNow;
        using var nearTimeLimit = DriverJob.Link(line) is { } link && executorName == "slurm"
            ? System.Runtime.InteropServices.PosixSignalRegistration.Create((System.Runtime.InteropServices.PosixSignal)SignalRelay.Usr1, c =>
            {
                c.Cancel = true;
                Environment.Exit(EndDriverLink(workspace, line, options, link, notifier, driverStarted, o));
            })
            : null;
        var sessionStore = store;
        var started = workspace.Clock.UtcNow;
        var witnessing = new WitnessingFileSystem(workspace.FileSystem);
        var observed = workspace with { FileSystem = witnessing };
        BuildSession? session = null;
        BuildOutcome outcome = fancy
            ? ProgressReporter.Run(model, reporter => (session = new BuildSession(model, observed, sessionStore, executor, reporter, options)).RunAsync(cancel.Token))
            : (session = new BuildSession(model, observed, store, executor, new LineReporter(o), options)).RunAsync(cancel.Token).GetAwaiter().GetResult();
        // The session (its graph, caches and records) is not kept alive for the snapshot: only what its hasher learned.
        var learned = session?.Hasher.LearnedLookup();
        session = null;
        var outputLines = Report.Summary(o, outcome, selectors, workspace, line.Has("verbose"));
        Diagnostics.Timings.Mark("reported");
        if (snapshots)
        {
            // The state's stat is a witness: take it with the state closed, and nothing left to write to it.
            executor.Dispose();
            store.Dispose();
            var whyNot = UpToDateSnapshot.Save(workspace, line.Arguments, outcome.Succeeded, outcome.Nodes, outcome.Targets, witnessing.Observed(), started, outcome.RunId, outputLines,
                options.Prior, learned);
            Diagnostics.Timings.Mark(whyNot is null ? "snapshot saved" : $"no snapshot: {whyNot}");
        }
        var code = outcome.Cancelled ? DataBuildHost.Interrupted : outcome.Succeeded ? DataBuildHost.Ok : DataBuildHost.BuildFailed;
        notifier?.Send(RunSummary.Of(outcome, code, options.Command, started, workspace.Clock.UtcNow, workspace));
        return code;
    }

    /// <summary>
    /// A driver job warned of its time limit (<c>--signal=B:USR1</c>): the next link of the chain is submitted and this
    /// driver ends at once, its arrays left running for the next to adopt, as after a driver that was killed. Returns the exit code.
    /// </summary>
    private static int EndDriverLink(Workspace workspace, CommandLine line, BuildOptions options, int link, Notifier? notifier, DateTimeOffset started, TextWriter o)
    {
        var job = long.TryParse(Environment.GetEnvironmentVariable("SLURM_JOB_ID"), out var id) ? id : (long?)null;
        string message;
        bool continued;
        try
        {
            (message, continued) = DriverJob.NearTimeLimit(new Slurm.SlurmClient(), workspace, options.Scheduler, line.Arguments, link, DriverJob.Links(line), job);
        }
        catch (Exception e) when (e is Slurm.SlurmCommandException or IOException or UsageException)
        {
            (message, continued) = ($"The driver job is near its time limit and could not submit the next one: {e.Message} Run the same command again to adopt the running arrays and finish the build.", false);
        }
        o.WriteLine(message);
        o.Flush();
        if (continued) return DataBuildHost.Ok;
        notifier?.Send(RunSummary.Stopped("stopped", DataBuildHost.BuildFailed, options.Command, started, workspace.Clock.UtcNow, workspace, message));
        return DataBuildHost.BuildFailed;
    }

    /// <summary>
    /// Every container image the build's targets run in must be there, its runtime installed, before any task runs.
    /// Resolving them here also fixes each image's id for the whole build.
    /// </summary>
    internal static void RequireContainers(PipelineModel model, Workspace workspace)
    {
        var problems = new List<string>();
        var needs = new Dictionary<(ContainerRuntime, string), List<string>>();
        foreach (var name in model.Order)
            if (model.Targets[name].Container is { } c)
            {
                if (!needs.TryGetValue((c.Runtime, c.Image), out var targets)) needs[(c.Runtime, c.Image)] = targets = [];
                targets.Add(name);
            }
        foreach (var ((runtime, image), targets) in needs)
        {
            IContainerEngine engine;
            try
            {
                engine = workspace.Containers.Engine(runtime, image);
            }
            catch (ContainerException e)
            {
                problems.Add($"{e.Message} (needed by {string.Join(", ", targets)})");
                continue;
            }
            if (workspace.Containers.ImageId(engine, image) is null)
                problems.Add($"Container image {image} not found by {engine.Program} (needed by {string.Join(", ", targets)}). Get it with: {engine.PullCommand(image)} (or build or import it under that name).");
        }
        if (problems.Count > 0) throw new UsageException(string.Join("\n", problems) + "\nNothing was run.");
    }

    /// <summary>
    /// The GPUs local tasks share: the first <c>--gpus N</c> of those found (or 0..N-1), else all found; listed when a
    /// task first asks for GPUs, while --gpus is checked now.
    /// </summary>
    private static Func<IReadOnlyList<string>> GpuBudget(CommandLine line, Workspace workspace)
    {
        int? n = null;
        if (line.Value("gpus") is { } text)
            n = int.TryParse(text, out var count) && count >= 0 ? count : throw new UsageException($"--gpus needs a number of GPUs (0 or more), got '{text}'.");
        return () =>
        {
            var found = workspace.Gpus.Devices();
            if (n is not { } wanted) return found;
            return found.Count >= wanted ? found.Take(wanted).ToArray() : Enumerable.Range(0, wanted).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        };
    }

    /// <summary>Every secret the build's targets declare must be set before any task runs (its value is never read here).</summary>
    internal static void RequireSecrets(PipelineModel model, Workspace workspace)
    {
        var missing = new List<string>();
        foreach (var name in model.Order)
            foreach (var input in model.Targets[name].Inputs)
                if (input.Kind == InputKind.Secret && string.IsNullOrEmpty(workspace.Environment.GetValueOrDefault(input.Name)))
                    missing.Add($"{input.Name} (declared by {name})");
        if (missing.Count > 0)
            throw new UsageException($"Secret{(missing.Count > 1 ? "s" : "")} not set: {string.Join(", ", missing)}. Export {(missing.Count > 1 ? "them" : "it")} in the shell that runs the build; secrets are passed to tasks and never stored.");
    }
}

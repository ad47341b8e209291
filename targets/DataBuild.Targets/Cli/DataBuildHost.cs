using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Cli;

/// <summary>An extra command a pipeline program adds (e.g. <c>inspect</c>), run with the parsed command line.</summary>
public sealed record HostCommand(string Name, string Usage, string Description, Func<CommandLine, TextWriter, int> Run);

/// <summary>
/// The entry point of a pipeline program: <c>return DataBuildHost.Run&lt;Pipelines&gt;(args);</c>. Parses the
/// command line, binds parameters, evaluates the targets and runs the command. Exit codes: 0 ok, 1 build failed,
/// 2 usage error, 75 another driver holds the lock (nothing run), 130 interrupted.
/// </summary>
public static class DataBuildHost
{
    /// <summary>Exit codes; <see cref="Locked"/> (75, EX_TEMPFAIL): another driver holds the state, nothing was run (a cron job's skipped night).</summary>
    public const int Ok = 0, BuildFailed = 1, UsageError = 2, Locked = 75, Interrupted = 130;

    public static int Run<TPipeline>(string[] args, params HostCommand[] extraCommands) where TPipeline : Pipeline, new() =>
        Run(args, () => new TPipeline(), extraCommands);

    /// <summary>
    /// The same, with the pipeline made by <paramref name="create"/>: <c>DataBuildHost.Run(args, () =&gt; new Pipelines())</c>.
    /// </summary>
    public static int Run<TPipeline>(string[] args, Func<TPipeline> create, params HostCommand[] extraCommands) where TPipeline : Pipeline
    {
        Diagnostics.Timings.Mark("main");
        try
        {
            // The up-to-date snapshot of this very command line is read and checked, and the workspace opened, on a
            // thread started first of all, beside the pipeline's loading. Only builds save a snapshot: why, status,
            // graph, worker (on every compute node) and the rest start no thread for it.
            using var snapshot = Environment.GetEnvironmentVariable("DATABUILD_SNAPSHOT") != "0" && !(args.Length > 0 && CommandLine.Commands.Contains(args[0]))
                ? UpToDateSnapshot.Prefetch(OpenWorkspace, args) : null;
            var pipeline = create();
            var parameters = ParameterDescriptor.For(pipeline);
            // Loops, not LINQ: every command passes here, the up-to-date check included.
            var switches = new HashSet<string>(StringComparer.Ordinal);
            var valued = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in parameters)
                (p.ElementType == typeof(bool) && !p.IsList ? switches : valued).Add(p.Option);
            var line = CommandLine.Parse(args, switches, valued);
            var output = StandardOutput();
            if (line.Has("version"))
            {
                output.WriteLine(Version);
                return Ok;
            }
            // When the snapshot's thread could not open it, opening it again here reports why.
            var workspace = snapshot?.Workspace ?? OpenWorkspace();
            if (line.Command == "help" || line.Has("help"))
            {
                Help.Write(output, pipeline, parameters, extraCommands);
                return Ok;
            }
            foreach (var extra in extraCommands)
                if (extra.Name == line.Command) return extra.Run(line, output);
            if (line.Command is "inspect" or "report") throw new UsageException($"This pipeline program has no {line.Command} command.");
            RejectUnknownOptions(line, parameters);
            ParameterBinder.Bind(pipeline, parameters, line.Value("params"), workspace.Environment, line.Options);
            // A build evaluates the definitions of its targets and what they need; other commands see every target.
            var selectors = line.Command is null ? Selectors(line.Positional) : [];
            var model = PipelineModel.Load(pipeline, selectors.Count > 0 ? TargetsOf(selectors) : null);
            // A worker's invocations carry the runtime already chosen; every other command keys containers by the profile's runtime.
            if (line.Command != "worker") model = ClusterProfile.WithContainerRuntimes(model, line, Environment.CurrentDirectory);
            Diagnostics.Timings.Mark("model loaded");
            return line.Command switch
            {
                "why" => Commands.Why(model, workspace, line, output),
                "status" => Commands.Status(model, workspace, line, output),
                "graph" => Commands.Graph(model, workspace, line, output),
                "worker" => Execution.Slurm.SlurmWorker.Run(model, workspace, line.Value, output),
                _ => Commands.Build(model, workspace, line, selectors, output, parameters, snapshot),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Report(e, Console.Error);
        }
    }

    /// <summary>
    /// Prints what went wrong and returns the exit code, chosen by the exception's type: 2 for what the user or the
    /// pipeline author must change (a usage error, a wrong pipeline definition), 1 for everything else.
    /// </summary>
    public static int Report(Exception e, TextWriter error)
    {
        switch (e)
        {
            case UsageException or PipelineDefinitionException:
                error.WriteLine($"error: {OneLine(e.Message)}");
                return UsageError;
            case LockedException:
                error.WriteLine($"error: {e.Message}");
                return Locked;
            case StateException:
                error.WriteLine($"error: {e.Message}");
                return BuildFailed;
            case State.StateDatabaseException s:
                // Only the state is SQLite; the driver runs in the workspace, whose state directory is .databuild.
                error.WriteLine($"error: the state database {Path.GetFullPath(Path.Combine(".databuild", "state.db"))}: {s.Message} " + s.ErrorCode switch
                {
                    5 or 6 => "Another process holds a lock on it (a sqlite3 shell, a backup?): close it and rerun.",
                    8 => "It cannot be written (a read-only filesystem?): build in a writable directory.",
                    13 => "Its disk is full: free space there and rerun; finished nodes are recorded.",
                    _ => "Rerun; if it persists, move .databuild away (everything will rebuild).",
                });
                return BuildFailed;
            case IOException io when io.HResult == 28 || io.Message.Contains("No space left on device", StringComparison.Ordinal):
                error.WriteLine($"error: {io.Message}. Free space on that filesystem and rerun; finished nodes are recorded.");
                return BuildFailed;
            default:
                // A bug or an environment problem (disk full, permissions): say what and where, not a stack trace,
                // unless asked. Recorded state is consistent: each result is committed as it arrives.
                error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
                error.WriteLine(Environment.GetEnvironmentVariable("DATABUILD_DEBUG") == "1"
                    ? e.ToString()
                    : "Finished nodes are recorded; rerun to continue. For the stack trace, rerun with DATABUILD_DEBUG=1.");
                return BuildFailed;
        }
    }

    /// <summary>The message with control characters escaped (\n, \u0000): what a user typed may hold them, and the error stays one line.</summary>
    internal static string OneLine(string message)
    {
        if (!message.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)) return message;
        var sb = new System.Text.StringBuilder(message.Length + 8);
        foreach (var c in message)
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    private static List<NodeSelector> Selectors(IReadOnlyList<string> positional)
    {
        var selectors = new List<NodeSelector>(positional.Count);
        foreach (var p in positional) selectors.Add(NodeSelector.Parse(p));
        return selectors;
    }

    private static List<string> TargetsOf(List<NodeSelector> selectors)
    {
        var names = new List<string>(selectors.Count);
        foreach (var s in selectors) names.Add(s.Target);
        return names;
    }

    private static Workspace OpenWorkspace() => Workspace.OnDisk(Directory.GetCurrentDirectory());

    /// <summary>
    /// The process's standard output as a writer. Where the locale's character set is UTF-8 (or unset), a plain UTF-8
    /// writer over file descriptor 1: <see cref="Console.Out"/> first sets up the terminal and its signal handling,
    /// which a build that only writes lines does not need. Every write goes out at once, as with Console.Out.
    /// </summary>
    private static TextWriter StandardOutput()
    {
        // The variables .NET reads for the console's encoding, in its order: the first one set names the locale.
        var locale = Environment.GetEnvironmentVariable("LC_ALL") is { Length: > 0 } all ? all
            : Environment.GetEnvironmentVariable("LC_MESSAGES") is { Length: > 0 } messages ? messages
            : Environment.GetEnvironmentVariable("LANG") ?? "";
        var dot = locale.IndexOf('.');
        var charset = dot < 0 ? "" : locale[(dot + 1)..].Split('@')[0];
        if (!OperatingSystem.IsLinux() || !(charset.Length == 0 || charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase)
            || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase)))
            return Console.Out;
        return TextWriter.Synchronized(new StreamWriter(new IO.FileDescriptorStream(1), new System.Text.UTF8Encoding(false), 4096) { AutoFlush = true });
    }

    /// <summary>
    /// What <c>--version</c> prints: the engine's version and the runtime it runs on: native (engine and pipelines
    /// compiled ahead into one executable, as ./build.sh compiles it in the background), self-contained (the runtime is
    /// next to the program, as ./build.sh publishes it) or shared (its fallback, or a test host).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "A native program is told apart before the location is read.")]
    public static string Version
    {
        get
        {
            var assembly = typeof(DataBuildHost).Assembly;
            var version = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(assembly)?.InformationalVersion
                ?? assembly.GetName().Version?.ToString() ?? "unknown";
            var runtime = !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "native"
                : Path.GetDirectoryName(typeof(object).Assembly.Location) == Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)
                    ? "self-contained" : "shared runtime";
            return $"DataBuild {version} (.NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}, {runtime})";
        }
    }

    private static void RejectUnknownOptions(CommandLine line, IReadOnlyList<ParameterDescriptor> parameters)
    {
        foreach (var option in line.Options.Keys)
        {
            if (CommandLine.Flags.Contains(option) || CommandLine.SingleValued.Contains(option) || CommandLine.MultiValued.Contains(option)
                || IsParameter(option)) continue;
            var known = CommandLine.Flags.Concat(CommandLine.SingleValued).Concat(CommandLine.MultiValued).Concat(parameters.Select(p => p.Option));
            throw new UsageException($"Unknown option --{option}.{NearNames.Hint(option, known, "--", "")} Run ./build.sh --help for the options.");
        }

        bool IsParameter(string option)
        {
            foreach (var p in parameters)
                if (p.Option == option) return true;
            return false;
        }
    }
}

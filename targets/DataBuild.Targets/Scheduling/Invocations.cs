using System.Globalization;
using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.Model;
using DataBuild.UpToDate;

namespace DataBuild.Scheduling;

/// <summary>Builds the invocation of a stale node: the resolved task an executor runs, with nothing left to plan.</summary>
public static class Invocations
{
    /// <summary>What the executor is given to run a stale node: argv, inputs, staging and log paths, resources.</summary>
    public static Invocation For(Node node, IReadOnlyList<Node> nodes, Signature signature, Workspace workspace, long runId,
        SchedulerProfile? profile = null)
    {
        var target = node.Target;
        var staging = $"{workspace.StateDirectory}/staging/{runId}/{Hash128.Of(node.Name).Short}";
        // Loops, not LINQ over the output tuples: generic code over value types is compiled at run time, at every build that runs a task.
        var paths = node.OutputPaths();
        var outputs = new List<OutputBinding>(paths.Length);
        for (var i = 0; i < paths.Length; i++)
            outputs.Add(new OutputBinding(paths[i].Name, paths[i].Path, $"{staging}/{i}/{Path.GetFileName(paths[i].Path)}", paths[i].IsDirectory));
        var checkpoint = KeepsCheckpoint(target) ? CheckpointDirectory(workspace, node) : null;
        var scheduler = (profile ?? SchedulerProfile.Empty).Resolve(target.Name, needTime => target.Resources.Scheduler with
        {
            Gpus = target.Resources.Gpus > 0 ? target.Resources.Gpus : null,
            Walltime = needTime && node.WalltimeOverride is null ? WalltimeEstimate(node, signature, workspace) : null,
        });
        var memoryMb = node.MemoryMbOverride ?? MemoryEstimate(node, signature, workspace);
        var scratch = $"{workspace.StateDirectory}/tmp/{runId}/{Hash128.Of(node.Name).Short}";
        var usesScratch = false;
        string[]? argv = null;
        if (target.Task is ArgvTaskSpec)
            argv = SignatureBuilder.ExpandArgv(node, nodes, signature.InputPaths, signature.Parameters, name => outputs.First(o => o.Name == name).StagingPath,
                Resource, checkpoint is null ? ArgvTemplate.CheckpointPlaceholder : workspace.FileSystem.FullPath(checkpoint));
        string Resource(string placeholder)
        {
            if (placeholder == "mem") return (memoryMb ?? 0).ToString(CultureInfo.InvariantCulture);
            if (placeholder == "gpus") return (scheduler.Gpus ?? 0).ToString(CultureInfo.InvariantCulture);
            usesScratch = true;
            return workspace.FileSystem.FullPath(scratch);
        }
        var upstream = new Dictionary<string, UpstreamBinding[]>(StringComparer.Ordinal);
        for (var d = 0; d < target.Dependencies.Count; d++)
        {
            var indices = node.Dependencies[d];
            var bindings = new UpstreamBinding[indices.Length];
            for (var b = 0; b < bindings.Length; b++) bindings[b] = new UpstreamBinding(nodes[indices[b]].Partition.ToString(), nodes[indices[b]].OutputsByName());
            upstream[target.Dependencies[d].Target] = bindings;
        }
        var logPath = LogPath(node, workspace);
        return new Invocation
        {
            Node = node.Name,
            Target = target.Name,
            Partition = node.Partition.ToString(),
            Inputs = signature.InputPaths,
            Outputs = outputs,
            Upstream = upstream,
            Parameters = signature.Parameters,
            Argv = argv,
            StagingDirectory = staging,
            CheckpointDirectory = checkpoint,
            LogPath = logPath,
            Cores = target.Resources.Cores,
            MemoryMb = memoryMb,
            Gpus = scheduler.Gpus ?? 0,
            Walltime = node.WalltimeOverride ?? scheduler.Walltime,
            Scheduler = scheduler with { Gpus = null, Walltime = null },
            Attempt = Math.Max(1, node.Attempt),
            Interruptions = node.Interruptions?.Count ?? 0,
            TaskKey = signature.Key.ToString(),
            Container = target.Container is { } container ? Container(target, container, workspace) : null,
            ScratchDirectory = usesScratch ? scratch : null,
            Environment = ThreadVariables(target),
            RateLimit = target.Resources.RateLimit is { } limit ? new InvocationRateLimit(limit.NameFor(node.Partition), limit.Count, limit.Per) : null,
        };
    }

    /// <summary>
    /// What every node of <paramref name="target"/> asks the cluster for, as far as it is known before any node is ready:
    /// partition, QoS and the rest from the command line, profile and DSL, and time and memory when set for the whole target
    /// (a constant, the profile or --set). An executor checks these against its limits before it submits anything.
    /// </summary>
    public static Invocation Probe(TargetSpec target, SchedulerProfile? profile = null)
    {
        var scheduler = (profile ?? SchedulerProfile.Empty).Resolve(target.Name, needTime => target.Resources.Scheduler with
        {
            Gpus = target.Resources.Gpus > 0 ? target.Resources.Gpus : null,
            Walltime = needTime ? target.Resources.FixedWalltime : null,
        });
        return new Invocation
        {
            Node = target.Name, Target = target.Name, Partition = "",
            Inputs = new Dictionary<string, string[]>(), Outputs = [], Upstream = new Dictionary<string, UpstreamBinding[]>(), Parameters = new Dictionary<string, string>(),
            StagingDirectory = "", LogPath = "",
            Cores = target.Resources.Cores, MemoryMb = target.Resources.FixedMemoryMb, Gpus = scheduler.Gpus ?? 0, Walltime = scheduler.Walltime,
            Scheduler = scheduler with { Gpus = null, Walltime = null },
        };
    }

    /// <summary>Whether the target's tasks get a checkpoint directory: every C# step, an argv task only when it asks for <c>{checkpoint}</c>.</summary>
    // Argv tasks get one only when they ask for it, so that a million nodes do not make a million directories.
    public static bool KeepsCheckpoint(TargetSpec target) =>
        target.Task is not ArgvTaskSpec spec || spec.Template.Any(a => a.Contains(ArgvTemplate.CheckpointPlaceholder, StringComparison.Ordinal));

    /// <summary>"preempted 2x, resumed from checkpoint": what the cluster put a node through in this run, or null if nothing.</summary>
    public static string? Interruptions(Node node) =>
        node.Interruptions is { Count: > 0 } all
            ? string.Join(", ", all.GroupBy(i => i).Select(g => $"{g.Key} {g.Count()}x")) +
              (KeepsCheckpoint(node.Target) ? ", resumed from checkpoint" : ", rerun from the start")
            : null;

    /// <summary>
    /// The node's checkpoint directory: the same for every attempt and run (unlike staging), so a task killed at its time
    /// limit or preempted resumes from what it saved; the node runner removes it once the node succeeds.
    /// </summary>
    public static string CheckpointDirectory(Workspace workspace, Node node) =>
        $"{workspace.StateDirectory}/checkpoints/{node.Target.Name}/{node.Partition.FileName}";

    private static TimeSpan? WalltimeEstimate(Node node, Signature signature, Workspace workspace)
    {
        if (node.Target.Resources.Walltime is not { } walltime) return null;
        TimeSpan limit;
        try
        {
            limit = walltime(new ResourceContext(node.Partition, workspace.FileSystem.FullPath, signature.InputPaths, workspace.FileSystem));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DeclarationException($"its time limit (.Walltime) failed: {e.Message}", e);
        }
        return limit > TimeSpan.Zero ? limit
            : throw new DeclarationException($"its time limit (.Walltime) must be positive, got {limit}.", new ArgumentOutOfRangeException(nameof(limit)));
    }

    /// <summary>Libraries that start a thread per core unless told: each task gets its own cores' worth.</summary>
    public static readonly string[] ThreadCountVariables = ["OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"];

    // Per target, not per node: a million nodes share a handful of dictionaries.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TargetSpec, IReadOnlyDictionary<string, string>> Threads = new();

    /// <summary>The thread counts, except those the target declares with .Environment(...), whose value it then chooses.</summary>
    private static IReadOnlyDictionary<string, string> ThreadVariables(TargetSpec target) => Threads.GetValue(target, t =>
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var cores = t.Resources.Cores.ToString(CultureInfo.InvariantCulture);
        foreach (var name in ThreadCountVariables)
            if (!t.Inputs.Any(i => i.Kind == InputKind.Environment && i.Name == name)) variables[name] = cores;
        return variables;
    });

    /// <summary>The container with its runtime chosen here, once, so that every worker runs the same one.</summary>
    private static ContainerInvocation Container(TargetSpec target, ContainerSpec container, Workspace workspace)
    {
        IO.IContainerEngine engine;
        try
        {
            engine = workspace.Containers.Engine(container.Runtime, container.Image);
        }
        catch (IO.ContainerException e)
        {
            throw new DeclarationException(e.Message, e);
        }
        var pass = target.Inputs.Where(i => i.Kind is InputKind.Environment or InputKind.Secret).Select(i => i.Name).ToArray();
        return new ContainerInvocation(container.Image, engine.Kind, target.Network, pass);
    }

    /// <summary>Where a node's task writes its log (relative to the workspace root).</summary>
    public static string LogPath(Node node, Workspace workspace) => $"{workspace.StateDirectory}/logs/{node.Target.Name}/{node.Partition.FileName}.log";

    private static long? MemoryEstimate(Node node, Signature signature, Workspace workspace)
    {
        try
        {
            return node.Target.Resources.MemoryMb?.Invoke(new ResourceContext(node.Partition, workspace.FileSystem.FullPath, signature.InputPaths, workspace.FileSystem));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DeclarationException($"its memory estimate (.MemoryMb) failed: {e.Message}", e);
        }
    }
}

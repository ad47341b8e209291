using DataBuild.IO;

namespace DataBuild.Model;

/// <summary>
/// A node fully resolved for running: everything a worker needs, so it never re-plans the graph. This is what a
/// Slurm array manifest holds one line of. Paths are relative to the workspace root.
/// </summary>
public sealed record Invocation
{
    public required string Node { get; init; }
    public required string Target { get; init; }
    public required string Partition { get; init; }
    public required IReadOnlyDictionary<string, string[]> Inputs { get; init; }
    public required IReadOnlyList<OutputBinding> Outputs { get; init; }
    public required IReadOnlyDictionary<string, UpstreamBinding[]> Upstream { get; init; }
    public required IReadOnlyDictionary<string, string> Parameters { get; init; }

    /// <summary>The resolved command for argv tasks (outputs point into staging); null for in-process tasks.</summary>
    public string[]? Argv { get; init; }

    public required string StagingDirectory { get; init; }

    /// <summary>Kept across failed attempts, time limits, preemptions and driver restarts; removed once the node succeeds.</summary>
    public string? CheckpointDirectory { get; init; }
    public required string LogPath { get; init; }
    public int Cores { get; init; } = 1;
    public long? MemoryMb { get; init; }
    public int Gpus { get; init; }
    public TimeSpan? Walltime { get; init; }

    /// <summary>Queue, account, QoS and the rest, resolved from the command line, profile and DSL (time and GPUs are above).</summary>
    public SchedulerSettings? Scheduler { get; init; }
    public int Attempt { get; init; } = 1;

    /// <summary>Earlier attempts lost to the cluster (preemption, node failure): they do not count as the task's failures.</summary>
    public int Interruptions { get; init; }

    /// <summary>The container the argv runs in (the runtime already chosen), or null for the host.</summary>
    public ContainerInvocation? Container { get; init; }

    /// <summary>A scratch directory for <c>{tmp}</c>, made before the task runs and removed after.</summary>
    public string? ScratchDirectory { get; init; }

    /// <summary>Variables the engine sets for the task (thread counts from its cores).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The host GPU indices the local executor gave this task (CUDA_VISIBLE_DEVICES); null where the allocation decides.</summary>
    public IReadOnlyList<string>? GpuIds { get; init; }

    /// <summary>The node's task key (hex): a job found still running after a crash is adopted only when it matches.</summary>
    public string? TaskKey { get; init; }

    /// <summary>The rate limit this task's start counts against, its name resolved for the partition; a Slurm worker waits for it.</summary>
    public InvocationRateLimit? RateLimit { get; init; }
}

/// <summary>At most <paramref name="Count"/> starts per <paramref name="Per"/> of tasks naming <paramref name="Name"/>, across the build.</summary>
public sealed record InvocationRateLimit(string Name, int Count, TimeSpan Per);

/// <summary>How an invocation runs in a container: image, runtime, network, and the host variables passed in by name.</summary>
public sealed record ContainerInvocation(string Image, ContainerRuntime Runtime, bool Network, IReadOnlyList<string> PassEnvironment);

public sealed record OutputBinding(string Name, string Path, string StagingPath, bool IsDirectory);

public sealed record UpstreamBinding(string Partition, IReadOnlyDictionary<string, string> Outputs);

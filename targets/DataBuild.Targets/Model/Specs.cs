using DataBuild.IO;

namespace DataBuild.Model;

public enum InputKind { File, Glob, Parameter, Config, Environment, Tool, Container, Secret }

/// <summary>
/// One declared input. File and glob paths are templates over partition dimensions. <see cref="PerPartition"/>: the
/// value is computed from the partition (otherwise it is the same for every partition of the target).
/// </summary>
public sealed record InputSpec(InputKind Kind, string Name, string? Template = null, Func<PartitionKey, object?>? Value = null,
    string[]? VersionArgs = null, bool PerPartition = false);

/// <summary>A container image and the runtime asked for (<see cref="ContainerRuntime.Auto"/>: the first on PATH).</summary>
public sealed record ContainerSpec(string Image, ContainerRuntime Runtime);

public sealed record OutputSpec(string Name, string Template, bool IsDirectory)
{
    public const string DefaultName = "out";
}

/// <summary>An upstream target, joined on shared dimensions unless <see cref="UpstreamOf"/> maps keys explicitly.</summary>
public sealed record DependencySpec(string Target, Func<PartitionKey, IEnumerable<PartitionKey>>? UpstreamOf);

/// <summary>What a task needs to run. Resources never change the task key: more memory must not rebuild anything.</summary>
public sealed record ResourceSpec
{
    public int Cores { get; init; } = 1;
    public Func<ResourceContext, long>? MemoryMb { get; init; }
    public int Gpus { get; init; }
    public Func<ResourceContext, TimeSpan>? Walltime { get; init; }

    /// <summary>The memory and time when declared as constants, the same for every node: checked against the cluster's limits before any node is ready.</summary>
    public long? FixedMemoryMb { get; init; }
    public TimeSpan? FixedWalltime { get; init; }

    /// <summary>Queue, account, QoS, constraint, GPU options, sbatch arguments and checkpoint signal declared in the DSL.</summary>
    public SchedulerSettings Scheduler { get; init; } = new();
    public string? Group { get; init; }
    public int GroupCap { get; init; }

    /// <summary>What the group's cap counts: tasks, or their cores (a task of <c>.Cores(8)</c> takes 8 of it).</summary>
    public CapUnit GroupCapUnit { get; init; }
    public int Retries { get; init; }

    /// <summary>The wait before the first retry (doubled for each next one, up to <see cref="RetryBackoffMax"/>); none when null.</summary>
    public TimeSpan? RetryBackoff { get; init; }
    public TimeSpan? RetryBackoffMax { get; init; }

    /// <summary>The exit codes worth a retry (a tool's "service unavailable"); null: any failure is retried.</summary>
    public IReadOnlyList<int>? RetryOn { get; init; }

    /// <summary>The named limit on task starts that this target's tasks share with every target naming it.</summary>
    public RateLimitSpec? RateLimit { get; init; }
}

/// <summary>What a concurrency group's cap counts: <c>.ConcurrencyGroup("database", 16, CapUnit.Cores)</c>.</summary>
public enum CapUnit { Tasks, Cores }

/// <summary>The unit of a rate limit: <c>.RateLimit("archive", 5, per: RatePer.Second)</c>.</summary>
public enum RatePer { Second, Minute }

/// <summary>
/// At most <paramref name="Count"/> task starts per <paramref name="Per"/> among all tasks naming the same limit:
/// <paramref name="Name"/>, or the name <paramref name="NameOf"/> gives a partition (one limit per archive).
/// </summary>
public sealed record RateLimitSpec(string Name, int Count, TimeSpan Per, Func<PartitionKey, string>? NameOf = null)
{
    public string NameFor(PartitionKey partition) => NameOf?.Invoke(partition) ?? Name;
}

/// <summary>What a resource function may look at: the partition and the resolved input and upstream paths.</summary>
public sealed class ResourceContext(PartitionKey partition, Func<string, string> fullPath, IReadOnlyDictionary<string, string[]> inputs,
    IFileSystem fileSystem)
{
    public PartitionKey Partition { get; } = partition;

    public IFileSystem FileSystem { get; } = fileSystem;

    public IReadOnlyList<string> Input(string name) =>
        inputs.TryGetValue(name, out var paths) ? paths.Select(fullPath).ToList() : throw new KeyNotFoundException($"No input '{name}'.");
}

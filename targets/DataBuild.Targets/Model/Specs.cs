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

    /// <summary>Queue, account, QoS, constraint, GPU options, sbatch arguments and checkpoint signal declared in the DSL.</summary>
    public SchedulerSettings Scheduler { get; init; } = new();
    public string? Group { get; init; }
    public int GroupCap { get; init; }
    public int Retries { get; init; }
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

namespace DataBuild.IO;

/// <summary>The program that runs a target's tasks in a container. <see cref="Auto"/> takes the first one on PATH.</summary>
public enum ContainerRuntime { Auto, Podman, PodmanHpc, Apptainer, Docker }

/// <summary>A host path made visible in the container at <see cref="Target"/>.</summary>
public sealed record ContainerMount(string Source, string Target, bool ReadOnly);

/// <summary>
/// One task to run in a container: its argv, the image, what to mount, the working directory, the names of the
/// host environment variables to pass in (values never appear on the command line), and its devices.
/// </summary>
public sealed record ContainerRun
{
    public required string Image { get; init; }
    public required IReadOnlyList<string> Argv { get; init; }
    public required string WorkingDirectory { get; init; }
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];

    /// <summary>Variables the engine sets for the task (thread counts, CUDA_VISIBLE_DEVICES).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Variables passed from the host's environment by name (declared environment variables, secrets).</summary>
    public IReadOnlyList<string> PassEnvironment { get; init; } = [];

    /// <summary>GPUs the task asked for; 0 adds no GPU flag.</summary>
    public int Gpus { get; init; }

    /// <summary>The host's GPU indices assigned to the task, or null when the allocation decides (Slurm).</summary>
    public IReadOnlyList<string>? GpuIds { get; init; }

    public bool Network { get; init; }
}

/// <summary>The wrapped command: argv for the host and variables to add to the runtime's environment.</summary>
public sealed record ContainerCommand(string[] Argv, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// One container runtime: how it wraps a task's argv (pure: exact command lines are tested per runtime) and which
/// image id a name resolves to now (a side effect: asks the runtime or hashes the image file).
/// </summary>
public interface IContainerEngine
{
    ContainerRuntime Kind { get; }

    /// <summary>The program run on the host (podman, podman-hpc, apptainer, docker).</summary>
    string Program { get; }

    ContainerCommand Wrap(ContainerRun run);

    /// <summary>The image's id (<c>sha256:...</c>), or null when the runtime does not have it.</summary>
    string? ImageId(string image);

    /// <summary>The command a user runs to get a missing image.</summary>
    string PullCommand(string image);
}

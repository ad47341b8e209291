using System.Collections.Concurrent;

namespace DataBuild.IO;

/// <summary>
/// The container runtimes of this machine: picks the one a target asks for (the first on PATH for
/// <see cref="ContainerRuntime.Auto"/>) and resolves each image to its id once per run, so a tag that moved since the
/// last build is seen, and a hundred targets on one image ask the runtime once.
/// </summary>
public sealed class ContainerEngines(Func<ContainerRuntime, IContainerEngine> create, Func<string, bool> onPath)
{
    /// <summary>The order <see cref="ContainerRuntime.Auto"/> tries: the HPC wrappers first, where a site has them.</summary>
    public static readonly ContainerRuntime[] AutoOrder = [ContainerRuntime.PodmanHpc, ContainerRuntime.Podman, ContainerRuntime.Apptainer, ContainerRuntime.Docker];

    private readonly ConcurrentDictionary<ContainerRuntime, IContainerEngine> _engines = new();
    private readonly ConcurrentDictionary<string, string?> _ids = new(StringComparer.Ordinal);

    /// <summary>The runtimes of a workspace: real programs, found on PATH.</summary>
    public static ContainerEngines OnThisMachine(IProcessRunner processes, IFileSystem fileSystem, IReadOnlyDictionary<string, string?> environment)
    {
        var root = fileSystem.FullPath(".");
        var path = environment.GetValueOrDefault("PATH") ?? ExecutableSearch.DefaultPath;
        return new ContainerEngines(
            kind => kind == ContainerRuntime.Apptainer ? new ApptainerEngine(fileSystem, environment) : new OciContainerEngine(kind, processes, root, PosixIdentity.UserAndGroup()),
            program => path.Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program))));
    }

    /// <summary>The engine for <paramref name="requested"/>; an image ending in .sif means apptainer under Auto.</summary>
    /// <exception cref="ContainerException">The runtime is not installed, or none is under Auto.</exception>
    public IContainerEngine Engine(ContainerRuntime requested, string image)
    {
        if (requested == ContainerRuntime.Auto)
        {
            if (image.EndsWith(".sif", StringComparison.Ordinal)) requested = ContainerRuntime.Apptainer;
            else
            {
                foreach (var kind in AutoOrder)
                    if (kind != ContainerRuntime.Apptainer && onPath(Get(kind).Program)) return Get(kind);
                throw new ContainerException(
                    $"No container runtime found on PATH for image {image} (looked for podman-hpc, podman, docker). Install one, or name one with .Container(image, ContainerRuntime.Podman).");
            }
        }
        var engine = Get(requested);
        return onPath(engine.Program) ? engine
            : throw new ContainerException($"Container runtime {engine.Program} is not installed (not found on PATH); image {image} needs it. Install {engine.Program}, or name another runtime in .Container(image, runtime) or as container-runtime in the cluster profile.");
    }

    /// <summary>The image's id now, asked once per run; null when the runtime does not have it.</summary>
    public string? ImageId(IContainerEngine engine, string image) => _ids.GetOrAdd(engine.Program + "\0" + image, _ => engine.ImageId(image));

    /// <summary>Forgets the resolved ids, so the next build asks again (the command line runs one build per process).</summary>
    public void Forget() => _ids.Clear();

    private IContainerEngine Get(ContainerRuntime kind) => _engines.GetOrAdd(kind, create);
}

/// <summary>A container runtime or image a build needs is not there; the message names what to install or pull.</summary>
public sealed class ContainerException(string message) : Exception(message);

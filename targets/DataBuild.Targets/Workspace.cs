using DataBuild.Execution;
using DataBuild.IO;

namespace DataBuild;

/// <summary>Where a build happens and the side effects it may use: file system, clock, processes, environment.</summary>
public sealed record Workspace
{
    public required IFileSystem FileSystem { get; init; }
    public IClock Clock { get; init; } = SystemClock.Instance;
    // Both made when first used, not with the workspace: the up-to-date check opens it first thing, and needs them
    // only later.
    public IProcessRunner Processes { get => _processes ??= PosixProcessRunner.Instance; init => _processes = value; }
    public IReadOnlyDictionary<string, string?> Environment { get => _environment ??= CurrentEnvironment(); init => _environment = value; }
    /// <summary>The container runtimes on this machine, and the image ids they resolve (once per image per build).</summary>
    public ContainerEngines Containers { get => _containers ??= ContainerEngines.OnThisMachine(Processes, FileSystem, Environment); init => _containers = value; }

    /// <summary>This machine's GPUs, for the local executor's budget.</summary>
    public IGpuInventory Gpus { get => _gpus ??= new NvidiaSmiGpuInventory(Processes, Environment); init => _gpus = value; }
    private ContainerEngines? _containers;
    private IGpuInventory? _gpus;
    private IProcessRunner? _processes;
    private IReadOnlyDictionary<string, string?>? _environment;

    /// <summary>State, logs and staging, relative to the workspace root.</summary>
    public string StateDirectory { get; init; } = ".databuild";

    public string StatePath => FileSystem.FullPath(StateDirectory + "/state.db");

    public static Workspace OnDisk(string root) => new() { FileSystem = new RealFileSystem(root) };

    public static IReadOnlyDictionary<string, string?> CurrentEnvironment()
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in System.Environment.GetEnvironmentVariables()) env[(string)e.Key] = (string?)e.Value;
        return env;
    }
}

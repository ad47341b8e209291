using System.Collections.Concurrent;
using DataBuild.IO;

namespace DataBuild.Testing;

/// <summary>
/// A container runtime whose images are a dictionary (name -> id) a test moves at will, and which "runs" a task by
/// running its argv unchanged on the host while remembering what it was asked to run (image, mounts, variables).
/// </summary>
public sealed class FakeContainerEngine(ContainerRuntime kind = ContainerRuntime.Podman) : IContainerEngine
{
    private readonly ConcurrentQueue<ContainerRun> _runs = new();

    public ContainerRuntime Kind { get; } = kind;

    public string Program => "fake-" + Kind.ToString().ToLowerInvariant();

    /// <summary>The images this runtime has, by name.</summary>
    public ConcurrentDictionary<string, string> Images { get; } = new(StringComparer.Ordinal);

    /// <summary>How many times an image id was asked for.</summary>
    public int Lookups => _lookups;

    private int _lookups;

    public IReadOnlyList<ContainerRun> Runs => _runs.ToList();

    public ContainerCommand Wrap(ContainerRun run)
    {
        _runs.Enqueue(run);
        return new ContainerCommand(run.Argv.ToArray(), run.Environment);
    }

    public string? ImageId(string image)
    {
        Interlocked.Increment(ref _lookups);
        return Images.TryGetValue(image, out var id) ? id : null;
    }

    public string PullCommand(string image) => $"{Program} pull {image}";

    /// <summary>Container runtimes that are this one, installed, for every kind asked.</summary>
    public ContainerEngines AsEngines() => new(_ => this, _ => true);
}

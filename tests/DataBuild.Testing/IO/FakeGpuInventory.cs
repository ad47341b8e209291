using DataBuild.IO;

namespace DataBuild.Testing;

/// <summary>A machine with the GPUs a test says it has.</summary>
public sealed class FakeGpuInventory(params string[] devices) : IGpuInventory
{
    public IReadOnlyList<string> Devices() => devices;
}

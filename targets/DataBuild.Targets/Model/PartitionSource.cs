namespace DataBuild.Model;

/// <summary>One built partition of a dynamic target's source: its key and the paths of its outputs, to read.</summary>
public sealed class PartitionSource(PartitionKey partition, IReadOnlyDictionary<string, string> outputs, Func<string, string> fullPath)
{
    public PartitionKey Partition { get; } = partition;

    /// <summary>The absolute path of an output ("out" is the first).</summary>
    public string Output(string name = OutputSpec.DefaultName) =>
        outputs.TryGetValue(name, out var path) ? fullPath(path)
            : throw new KeyNotFoundException($"No output '{name}'. Outputs are: {string.Join(", ", outputs.Keys)}.");
}

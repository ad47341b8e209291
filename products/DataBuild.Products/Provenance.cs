namespace DataBuild.Products;

/// <summary>
/// Where a product came from: the target, partition and task version that made it. Written into the file's
/// key-value metadata; never a time or a host, so that a rebuild from the same inputs is byte-identical.
/// </summary>
public sealed record Provenance(string Target, string Partition, string TaskVersion)
{
    /// <summary>The metadata key prefix of every provenance entry.</summary>
    public const string KeyPrefix = "databuild.";

    /// <summary>The key-value metadata entries, in a fixed order.</summary>
    public IEnumerable<KeyValuePair<string, string>> Metadata() =>
    [
        new(KeyPrefix + "target", Target),
        new(KeyPrefix + "partition", Partition),
        new(KeyPrefix + "task_version", TaskVersion),
    ];

    /// <summary>The provenance recorded in a file's metadata, or null when it was not written by DataBuild.</summary>
    public static Provenance? From(IReadOnlyDictionary<string, string> metadata) =>
        metadata.TryGetValue(KeyPrefix + "target", out var target)
            ? new Provenance(target, metadata.GetValueOrDefault(KeyPrefix + "partition", ""), metadata.GetValueOrDefault(KeyPrefix + "task_version", ""))
            : null;
}

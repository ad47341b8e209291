using DataBuild.Model;

namespace DataBuild.Graph;

/// <summary>A target within one build: its nodes once known, or why they are not.</summary>
public sealed class TargetRun(TargetSpec spec)
{
    public TargetSpec Spec { get; } = spec;
    public bool Materialized { get; set; }

    /// <summary>Why the partitions are not known (an upstream failed, or in a plan, the source is not built yet).</summary>
    public string? Unavailable { get; set; }

    /// <summary>The upstream target whose partitions are unknown, when this one is unavailable because of it.</summary>
    public TargetRun? RootCause { get; set; }

    /// <summary>In a plan: the partitions depend on a source that would be built first, not on a failure.</summary>
    public bool PendingDiscovery { get; set; }

    /// <summary>Source nodes whose partitions could not be read, one message each (source, outputs, error): this target is built without them, and the build fails.</summary>
    public List<string> DiscoveryErrors { get; } = [];

    public List<int> Nodes { get; } = [];
    public int Unfinished { get; set; }
    public List<PartitionKey>? Filters { get; set; }
    public string[] Dimensions { get; set; } = [];
    public Dictionary<PartitionKey, int> ByKey { get; } = [];
    public Dictionary<string, Dictionary<PartitionKey, List<int>>> JoinIndexes { get; } = [];

    public bool Settled => Unavailable is not null || (Materialized && Unfinished == 0);

    public string Name => Spec.Name;
}

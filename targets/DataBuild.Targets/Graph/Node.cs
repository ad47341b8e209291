using DataBuild.Hashing;
using DataBuild.Model;
using DataBuild.Planning;

namespace DataBuild.Graph;

public enum NodeState
{
    Waiting,   // upstream not finished
    Queued,    // stale, waiting for a free slot
    Running,
    UpToDate,
    Built,
    Failed,
    Blocked,   // an upstream node failed
    WouldRun,  // --plan: stale, would be built
}

/// <summary>One partition of one target in this build. Compact by design: a million of these must plan in seconds.</summary>
public sealed class Node(int index, TargetSpec target, PartitionKey partition)
{
    public int Index { get; } = index;
    public TargetSpec Target { get; } = target;
    public PartitionKey Partition { get; } = partition;
    public string Name { get; } = partition.Count == 0 ? target.Name : $"{target.Name}[{partition}]";

    /// <summary>Upstream node indices, one array per declared dependency of the target (same order).</summary>
    public int[][] Dependencies { get; set; } = [];

    public List<int>? Dependents { get; set; }
    public NodeState State { get; set; }
    public int WaitingOn { get; set; }
    public Hash128 OutputHash { get; set; }

    /// <summary>Built in this run and its outputs differ from the previous build's.</summary>
    public bool OutputChanged { get; set; }

    public IReadOnlyList<Reason> Reasons { get; set; } = [];
    public Signature? Signature { get; set; }
    public int Attempt { get; set; }

    /// <summary>Resources an executor asked for on retry (more memory after an OOM); they win over the target's.</summary>
    public long? MemoryMbOverride { get; set; }

    public TimeSpan? WalltimeOverride { get; set; }
    public string? Error { get; set; }

    public bool IsFinished => State is NodeState.UpToDate or NodeState.Built or NodeState.Failed or NodeState.Blocked or NodeState.WouldRun;

    public bool IsDone => State is NodeState.UpToDate or NodeState.Built;

    public IEnumerable<int> AllDependencies => Dependencies.Length == 1 ? Dependencies[0] : Dependencies.SelectMany(d => d).Distinct();

    /// <summary>Output paths by name, expanded for this partition.</summary>
    public IReadOnlyList<(string Name, string Path, bool IsDirectory)> OutputPaths() =>
        Target.Outputs.Select(o => (o.Name, PathTemplate.Expand(o.Template, Partition, Target.Name), o.IsDirectory)).ToList();

    public override string ToString() => Name;
}

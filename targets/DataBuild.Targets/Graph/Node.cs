using DataBuild.Hashing;
using DataBuild.Model;

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
    WouldRun,  // --plan: stale, would be built (the last: ProgressFile counts states up to it)
}

/// <summary>One partition of one target in this build. Compact by design: a million of these must plan in seconds.</summary>
public sealed class Node(int index, TargetSpec target, PartitionKey partition)
{
    public int Index { get; } = index;
    public TargetSpec Target { get; } = target;
    public PartitionKey Partition { get; } = partition;
    /// <summary>The node's name, <c>Target[dim=value,...]</c> (made when first asked: most nodes of a large build never are).</summary>
    public string Name => _name ??= Partition.Count == 0 ? Target.Name : $"{Target.Name}[{Partition}]";

    private string? _name;

    /// <summary>Upstream node indices, one array per declared dependency of the target (same order).</summary>
    public int[][] Dependencies
    {
        get => _dependencies;
        set
        {
            _dependencies = value;
            // Merged once here: materializing, probing and deciding each walk it.
            AllDependencies = value.Length switch
            {
                0 => [],
                1 => value[0],
                _ => value.SelectMany(d => d).Distinct().ToArray(),
            };
        }
    }

    private int[][] _dependencies = [];

    /// <summary>The first downstream node that depends on this one (-1: none); most nodes have one, held without a list.</summary>
    public int FirstDependent { get; private set; } = -1;

    /// <summary>Downstream nodes after the first, in the order they were joined.</summary>
    public List<int>? MoreDependents { get; private set; }

    /// <summary>Joins a downstream node that depends on this one (materializing its target).</summary>
    public void AddDependent(int index)
    {
        if (FirstDependent < 0) FirstDependent = index;
        else (MoreDependents ??= []).Add(index);
    }

    public NodeState State { get; set; }
    public int WaitingOn { get; set; }
    public Hash128 OutputHash { get; set; }

    /// <summary>Built in this run and its outputs differ from the previous build's.</summary>
    public bool OutputChanged { get; set; }

    /// <summary>The task key it was decided on (empty for aggregates and nodes that could not be probed).</summary>
    public Hash128 TaskKey { get; set; }
    public int Attempt { get; set; }

    /// <summary>The declared part of its task key (the declarations of its signature), kept for the up-to-date snapshot.</summary>
    public Hash128 Declared { get; set; }

    /// <summary>Resources an executor asked for on retry (more memory after an OOM); they win over the target's.</summary>
    public long? MemoryMbOverride { get; set; }

    public TimeSpan? WalltimeOverride { get; set; }

    /// <summary>Attempts lost to the cluster (preempted, node or boot failure), by what happened: not the task's failures.</summary>
    public List<string>? Interruptions { get; set; }
    public string? Error { get; set; }

    public bool IsFinished => State is NodeState.UpToDate or NodeState.Built or NodeState.Failed or NodeState.Blocked or NodeState.WouldRun;

    public bool IsDone => State is NodeState.UpToDate or NodeState.Built;

    /// <summary>Every upstream node index once, over all dependencies.</summary>
    public int[] AllDependencies { get; private set; } = [];

    private (string Name, string Path, bool IsDirectory)[]? _outputPaths;

    /// <summary>
    /// Output paths by name, expanded for this partition (once: probes, argv, reports and dependents all ask). An array,
    /// not a read-only list: through the interface, every caller would reach generic code over the tuple that is compiled at run time.
    /// </summary>
    public (string Name, string Path, bool IsDirectory)[] OutputPaths()
    {
        if (_outputPaths is { } known) return known;
        var outputs = Target.Outputs;
        var paths = new (string, string, bool)[outputs.Count];
        for (var i = 0; i < paths.Length; i++) paths[i] = (outputs[i].Name, PathTemplate.Expand(outputs[i].Template, Partition, Target.Name), outputs[i].IsDirectory);
        // Idempotent: two threads expanding at once store equal arrays.
        return _outputPaths = paths;
    }

    /// <summary>Output paths keyed by output name (a new dictionary: tasks and discovery are given it).</summary>
    public Dictionary<string, string> OutputsByName()
    {
        var outputs = OutputPaths();
        var byName = new Dictionary<string, string>(outputs.Length);
        for (var i = 0; i < outputs.Length; i++) byName.Add(outputs[i].Name, outputs[i].Path);
        return byName;
    }

    /// <summary>The path of output <paramref name="name"/>, or null when the target has no such output.</summary>
    public string? OutputPath(string name)
    {
        var outputs = OutputPaths();
        for (var i = 0; i < outputs.Length; i++)
            if (outputs[i].Name == name) return outputs[i].Path;
        return null;
    }

    public override string ToString() => Name;
}

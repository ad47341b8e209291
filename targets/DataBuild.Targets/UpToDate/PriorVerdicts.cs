using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.Model;

namespace DataBuild.UpToDate;

/// <summary>
/// The verdicts of the last build of this command, from its up-to-date snapshot, where the snapshot found some of
/// what they rested on changed: every node that rests on no changed path and has no re-checked node upstream keeps
/// its recorded verdict (up to date, with its output hash) without a probe or a read of its history; the others are
/// checked as in a full build. The declarations are the same (the snapshot checked their digest), so the two agree.
/// </summary>
public sealed class PriorVerdicts
{
    /// <summary>A target's verdicts by position among its nodes, as the snapshot's build ordered them.</summary>
    internal sealed record TargetVerdicts(Hash128[] Outputs, Hash128[] Declared, bool[] Dirty, string[]? Partitions);

    private readonly Dictionary<string, TargetVerdicts> _targets;
    // By node index: the target's verdicts and the node's position there, or null where it has none.
    private readonly List<(TargetVerdicts Verdicts, int Position)?> _byNode = [];
    private readonly List<bool> _dirty = [];
    private readonly Dictionary<string, List<PartitionKey>> _partitions;

    internal PriorVerdicts(Dictionary<string, TargetVerdicts> targets, long runId, int changed, WitnessTable witnesses, HashSet<int> changedWitnesses,
        Dictionary<string, List<PartitionKey>>? partitions = null)
    {
        _targets = targets;
        _partitions = partitions ?? [];
        RunId = runId;
        ChangedPaths = changed;
        Witnesses = witnesses;
        ChangedWitnesses = changedWitnesses;
    }

    /// <summary>The run whose verdicts these are.</summary>
    public long RunId { get; }

    /// <summary>How many witnessed paths changed.</summary>
    public int ChangedPaths { get; }

    /// <summary>Nodes re-checked so far (they or an upstream node rest on a changed path).</summary>
    public int Rechecked { get; private set; }

    /// <summary>Nodes that kept their verdict so far.</summary>
    public int Kept { get; private set; }

    /// <summary>The witnesses of the snapshot, to carry over for the nodes that keep their verdicts.</summary>
    internal WitnessTable Witnesses { get; }

    internal HashSet<int> ChangedWitnesses { get; }

    /// <summary>
    /// The partitions of a static target as the check that made these verdicts evaluated them (the same declarations,
    /// whose digest it compared), once: the build's graph takes them instead of evaluating them again. Null when not known.
    /// </summary>
    public List<PartitionKey>? TakePartitions(TargetSpec target) => _partitions.Remove(target.Name, out var keys) ? keys : null;

    /// <summary>
    /// Joins a materialized target's nodes to their verdicts by position; a dynamic target whose partitions are no
    /// longer the snapshot's has none (all its nodes are checked).
    /// </summary>
    public void Bind(TargetRun target, IReadOnlyList<Node> nodes)
    {
        if (!target.Materialized || !_targets.TryGetValue(target.Name, out var verdicts) || verdicts.Outputs.Length != target.Nodes.Count) return;
        if (verdicts.Partitions is { } keys)
            for (var i = 0; i < keys.Length; i++)
                if (nodes[target.Nodes[i]].Partition.ToString() != keys[i]) return;
        for (var i = 0; i < target.Nodes.Count; i++)
        {
            var index = target.Nodes[i];
            while (_byNode.Count <= index) _byNode.Add(null);
            _byNode[index] = (verdicts, i);
        }
    }

    /// <summary>
    /// Whether <paramref name="node"/>, whose upstream nodes are finished, keeps its recorded verdict; if so, sets its
    /// state, output hash and declared hash as a full check would have.
    /// </summary>
    public bool TryKeep(Node node, IReadOnlyList<Node> nodes)
    {
        var dirty = IsDirty(node, nodes);
        while (_dirty.Count <= node.Index) _dirty.Add(true);
        _dirty[node.Index] = dirty;
        if (dirty || node.Target.Task is null)
        {
            if (dirty) Rechecked++;
            return false;
        }
        var (verdicts, position) = _byNode[node.Index]!.Value;
        node.OutputHash = verdicts.Outputs[position];
        node.Declared = verdicts.Declared[position];
        node.State = NodeState.UpToDate;
        Kept++;
        return true;
    }

    private bool IsDirty(Node node, IReadOnlyList<Node> nodes)
    {
        if (node.Error is not null || node.Index >= _byNode.Count || _byNode[node.Index] is not { } at || at.Verdicts.Dirty[at.Position]) return true;
        foreach (var u in node.AllDependencies)
            if (u >= _dirty.Count || (_dirty[u] && !SameAsBefore(nodes[u]))) return true;
        return false;
    }

    // A re-checked upstream node whose output hash is what it was (a touched input, a rebuild with the same bytes)
    // changes nothing downstream: its dependents' task keys are made from that hash (early cutoff).
    private bool SameAsBefore(Node node) =>
        node.IsDone && node.Index < _byNode.Count && _byNode[node.Index] is { } at && at.Verdicts.Outputs[at.Position] == node.OutputHash;
}

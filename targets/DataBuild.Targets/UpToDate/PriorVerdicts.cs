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
    // By node index: the target's verdicts and the node's position there (null verdicts where it has none), and
    // whether it was re-checked; grown as targets bind.
    private TargetVerdicts?[] _verdictsOf = [];
    private int[] _positionOf = [];
    private bool[] _dirty = [];
    private readonly Dictionary<string, List<PartitionKey>> _partitions;

    internal PriorVerdicts(Dictionary<string, TargetVerdicts> targets, long runId, int changed, WitnessTable witnesses, HashSet<int> changedWitnesses,
        Dictionary<string, List<PartitionKey>>? partitions = null, string digest = "")
    {
        Digest = digest;
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

    /// <summary>The declarations digest the snapshot was saved with, which the check found unchanged.</summary>
    internal string Digest { get; }

    /// <summary>
    /// Whether every node has a verdict here and was decided on the declared hash recorded with it: then the build's
    /// declarations digest is <see cref="Digest"/> (same targets, partitions and mapped dependencies, which the check
    /// compared), and saving the next snapshot need not fold every node again.
    /// </summary>
    internal bool DeclaredAsBefore(IReadOnlyList<Node> nodes)
    {
        if (Digest.Length == 0) return false;
        foreach (var node in nodes)
            if (node.Index >= _verdictsOf.Length || _verdictsOf[node.Index] is not { } verdicts || verdicts.Declared[_positionOf[node.Index]] != node.Declared)
                return false;
        return true;
    }

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
        var last = 0;
        foreach (var index in target.Nodes) last = Math.Max(last, index);
        if (last >= _verdictsOf.Length)
        {
            var size = Math.Max(last + 1, 2 * _verdictsOf.Length);
            Array.Resize(ref _verdictsOf, size);
            Array.Resize(ref _positionOf, size);
            var dirty = _dirty.Length;
            Array.Resize(ref _dirty, size);
            for (var i = dirty; i < size; i++) _dirty[i] = true; // not Span.Fill: its vector code is compiled at run time
        }
        for (var i = 0; i < target.Nodes.Count; i++)
        {
            _verdictsOf[target.Nodes[i]] = verdicts;
            _positionOf[target.Nodes[i]] = i;
        }
    }

    /// <summary>
    /// Whether <paramref name="node"/>, whose upstream nodes are finished, keeps its recorded verdict; if so, sets its
    /// state, output hash and declared hash as a full check would have.
    /// </summary>
    public bool TryKeep(Node node, IReadOnlyList<Node> nodes)
    {
        var dirty = IsDirty(node, nodes);
        if (node.Index < _dirty.Length) _dirty[node.Index] = dirty; // beyond it: a node with no verdicts, dirty
        if (dirty || node.Target.Task is null)
        {
            if (dirty) Rechecked++;
            return false;
        }
        var (verdicts, position) = (_verdictsOf[node.Index]!, _positionOf[node.Index]);
        node.OutputHash = verdicts.Outputs[position];
        node.Declared = verdicts.Declared[position];
        node.State = NodeState.UpToDate;
        Kept++;
        return true;
    }

    private bool IsDirty(Node node, IReadOnlyList<Node> nodes)
    {
        if (node.Error is not null || node.Index >= _verdictsOf.Length || _verdictsOf[node.Index] is not { } verdicts || verdicts.Dirty[_positionOf[node.Index]]) return true;
        foreach (var u in node.AllDependencies)
            if (u >= _dirty.Length || (_dirty[u] && !SameAsBefore(nodes[u]))) return true;
        return false;
    }

    // A re-checked upstream node whose output hash is what it was (a touched input, a rebuild with the same bytes)
    // changes nothing downstream: its dependents' task keys are made from that hash (early cutoff).
    private bool SameAsBefore(Node node) =>
        node.IsDone && node.Index < _verdictsOf.Length && _verdictsOf[node.Index] is { } verdicts && verdicts.Outputs[_positionOf[node.Index]] == node.OutputHash;
}

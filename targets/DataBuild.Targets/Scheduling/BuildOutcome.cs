using DataBuild.Graph;
using DataBuild.UpToDate;

namespace DataBuild.Scheduling;

/// <summary>What a build did, node by node and target by target.</summary>
public sealed record BuildOutcome(IReadOnlyList<Node> Nodes, IReadOnlyList<TargetRun> Targets, bool Cancelled, TimeSpan Elapsed, long BytesHashed)
{
    /// <summary>The run recorded in the state (0 for a plan).</summary>
    public long RunId { get; init; }

    /// <summary>Why each stale node was (or, in a plan, would be) built, by node index; null for the others.</summary>
    public IReadOnlyList<IReadOnlyList<Reason>?> Reasons { get; init; } = [];

    public bool Succeeded => !Cancelled
        && Nodes.All(n => n.State is NodeState.UpToDate or NodeState.Built or NodeState.WouldRun)
        && Targets.All(t => (t.Unavailable is null || t.PendingDiscovery) && t.DiscoveryErrors.Count == 0);

    public int Count(NodeState state) => Nodes.Count(n => n.State == state);

    /// <summary>Why <paramref name="node"/> was or would be built; empty for a node that was up to date.</summary>
    public IReadOnlyList<Reason> ReasonsOf(Node node) => node.Index < Reasons.Count ? Reasons[node.Index] ?? [] : [];
}

using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.State;

namespace DataBuild.Cli;

/// <summary>
/// A plan run for the read-only commands (--plan, why, status, graph --nodes): no lock, no executor, nothing
/// written. It keeps the state open so the caller can look up recorded builds.
/// </summary>
internal sealed class ReadOnlyPlan : IDisposable
{
    private readonly StateStore _state;

    public ReadOnlyPlan(PipelineModel model, Workspace workspace, BuildOptions options)
    {
        _state = StateStore.Open(workspace.StatePath);
        Session = new BuildSession(model, workspace, _state, null, SilentReporter.Instance, options with { Plan = true });
        Outcome = Session.RunAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public BuildSession Session { get; }

    /// <summary>The state the plan read, for a node's history (<c>why</c> shows the attempts of its last run).</summary>
    public StateStore State => _state;

    public BuildOutcome Outcome { get; }

    /// <summary>The nodes of one target in this plan.</summary>
    public static IEnumerable<Node> NodesOf(BuildOutcome outcome, TargetRun target)
    {
        // Not Select over the indices: LINQ's iterator over int is generic code compiled at run time.
        foreach (var i in target.Nodes) yield return outcome.Nodes[i];
    }

    public void Dispose() => _state.Dispose();
}

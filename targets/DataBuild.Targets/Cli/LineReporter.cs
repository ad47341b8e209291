using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.Scheduling;

namespace DataBuild.Cli;

/// <summary>Plain progress lines for CI logs and pipes: one line per task that ran, none per up-to-date node.</summary>
internal sealed class LineReporter(TextWriter output) : IBuildReporter
{
    private int _known;
    private int _finished;

    public void Materialized(TargetRun target)
    {
        _known += target.Nodes.Count;
        if (target.Spec.IsDynamic && target.Unavailable is null) output.WriteLine($"discovered {target.Nodes.Count} partitions of {target.Name}");
        foreach (var error in target.DiscoveryErrors) output.WriteLine($"FAILED {error}");
    }

    public void Checked(Node node)
    {
        if (node.IsFinished) _finished++;
        if (node.State == NodeState.Failed) output.WriteLine($"[{_finished}/{_known}] FAILED {node.Name}: {node.Error}");
    }

    public void Started(Node node)
    {
    }

    public void Finished(Node node, RunResult result, bool willRetry)
    {
        if (!willRetry) _finished++;
        var prefix = $"[{_finished}/{_known}]";
        if (result.Succeeded) output.WriteLine($"{prefix} built {node.Name} ({result.WallSeconds:F2} s)");
        else if (willRetry) output.WriteLine($"{prefix} {result.Status} {node.Name}: {result.Message}; retrying (attempt {node.Attempt + 1})");
        else output.WriteLine($"{prefix} FAILED {node.Name}: {result.Message}");
    }
}

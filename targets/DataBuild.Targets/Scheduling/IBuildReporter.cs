using DataBuild.Execution;
using DataBuild.Graph;

namespace DataBuild.Scheduling;

/// <summary>Hears what a build does, for progress displays and logs.</summary>
public interface IBuildReporter
{
    /// <summary>A target's partitions are known (statically or discovered).</summary>
    void Materialized(TargetRun target);

    /// <summary>A node was found up to date, stale, blocked or failed before running.</summary>
    void Checked(Node node);

    void Started(Node node);

    void Finished(Node node, RunResult result, bool willRetry);
}

public sealed class SilentReporter : IBuildReporter
{
    public static readonly SilentReporter Instance = new();
    public void Materialized(TargetRun target) { }
    public void Checked(Node node) { }
    public void Started(Node node) { }
    public void Finished(Node node, RunResult result, bool willRetry) { }
}

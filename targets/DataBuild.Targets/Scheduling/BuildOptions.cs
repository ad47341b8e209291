using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.UpToDate;

namespace DataBuild.Scheduling;

public sealed record BuildOptions
{
    public IReadOnlyList<NodeSelector> Selectors { get; init; } = [];

    /// <summary>Decide what would run and why, run nothing, write nothing.</summary>
    public bool Plan { get; init; }

    public bool KeepGoing { get; init; }

    /// <summary>The command line, recorded with the run.</summary>
    public string Command { get; init; } = "";

    /// <summary>Scheduler settings from the cluster profile and <c>--set</c>, over and under the DSL's.</summary>
    public SchedulerProfile Scheduler { get; init; } = SchedulerProfile.Empty;

    /// <summary>The last build's verdicts, where its up-to-date snapshot found what changed: only what a change reaches is checked.</summary>
    public PriorVerdicts? Prior { get; init; }
}

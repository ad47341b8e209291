using DataBuild.Graph;

namespace DataBuild.Scheduling;

public sealed record BuildOptions
{
    public IReadOnlyList<NodeSelector> Selectors { get; init; } = [];

    /// <summary>Decide what would run and why, run nothing, write nothing.</summary>
    public bool Plan { get; init; }

    public bool KeepGoing { get; init; }

    /// <summary>The command line, recorded with the run.</summary>
    public string Command { get; init; } = "";
}

namespace DataBuild.Slurm;

/// <summary>
/// The squeue output the client asks for and the parser reads. --Format (not --format) because only it
/// has exit_code, which tells a driver without accounting how a finished task ended.
/// Every field ends in "|" with no width, so nothing is padded or truncated; Reason comes last because
/// it is the only free text.
/// </summary>
public static class SqueueFormat
{
    public const string Fields = "JobArrayID:|,JobID:|,State:|,exit_code:|,TimeUsed:|,NodeList:|,Reason:|";
    public const int FieldCount = 7;

    /// <summary>The argv for one batched call: every job, array tasks expanded, finished ones included.</summary>
    public static IReadOnlyList<string> Arguments(IEnumerable<long> jobIds) =>
    [
        "--jobs=" + string.Join(',', jobIds),
        "--array",
        "--states=all",
        "--noheader",
        "--Format=" + Fields,
    ];
}

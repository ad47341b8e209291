namespace DataBuild.Slurm;

/// <summary>The sacct output the client asks for and the parser reads (--parsable2: "|" between fields, none after).</summary>
public static class SacctFormat
{
    public const string Fields = "JobID,JobIDRaw,State,ExitCode,Elapsed,MaxRSS,ReqMem,Timelimit,NodeList";
    public const int FieldCount = 9;

    /// <summary>The argv for one batched call. With --jobs, sacct looks back to the epoch, not just today.</summary>
    public static IReadOnlyList<string> Arguments(IEnumerable<long> jobIds) =>
    [
        "--jobs=" + string.Join(',', jobIds),
        "--parsable2",
        "--noheader",
        "--format=" + Fields,
    ];
}

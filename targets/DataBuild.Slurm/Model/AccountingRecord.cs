namespace DataBuild.Slurm;

/// <summary>
/// One array task (or plain job) as sacct sees it: the job line merged with its steps
/// (".batch", ".extern", numbered srun steps), which carry the memory figures.
/// </summary>
/// <param name="State">The job line's state (the steps' states can differ; see <see cref="BatchState"/>).</param>
/// <param name="CancelledByUid">From "CANCELLED by 0" on the job line.</param>
/// <param name="MaxRssBytes">Largest MaxRSS over the steps; null when no step reported one.</param>
/// <param name="RequestedMemoryBytes">ReqMem: what the task asked for with --mem.</param>
/// <param name="BatchState">The .batch step's state: "CANCELLED by 0" there, under a FAILED job killed by
/// signal 9, is how JobAcctGatherParams=OverMemoryKill shows a memory kill.</param>
public sealed record AccountingRecord(
    SlurmTaskId Task,
    long JobId,
    SlurmJobState State,
    int? CancelledByUid,
    SlurmExitCode? ExitCode,
    TimeSpan? Elapsed,
    long? MaxRssBytes,
    long? RequestedMemoryBytes,
    TimeSpan? TimeLimit,
    string NodeList,
    SlurmJobState? BatchState,
    int? BatchCancelledByUid)
{
    /// <summary>The class an executor acts on, with memory kills recognised (see <see cref="FailureSignature"/>).</summary>
    public SlurmStateClass Class => FailureSignature.Classify(this);
}

namespace DataBuild.Slurm;

/// <summary>
/// A failed array task and what is known around it.
/// </summary>
/// <param name="Attempt">How many times it has run, this failure included (1 after the first run).</param>
/// <param name="MemoryBytes">The --mem it ran with (sacct ReqMem), or null for the cluster default.</param>
/// <param name="TimeLimit">The --time it ran with, or null for the partition's limit.</param>
/// <param name="LastGoodPeakRssBytes">Peak RSS recorded by the last successful build of this partition, if any.</param>
public sealed record FailedAttempt(
    FailureKind Kind,
    int Attempt,
    long? MemoryBytes,
    TimeSpan? TimeLimit,
    long? LastGoodPeakRssBytes = null);

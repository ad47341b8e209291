namespace DataBuild.Slurm;

/// <summary>
/// Recognises a memory kill however this cluster enforces memory. With cgroups Slurm says OUT_OF_MEMORY.
/// With JobAcctGatherParams=OverMemoryKill it says FAILED, exit 0:9, and the .batch step "CANCELLED by 0"
/// (slurmstepd, as root, cancelled it) or a MaxRSS at the limit. Without accounting, squeue only shows
/// FAILED with signal 9; the task's stderr then tells ("exceeded memory limit", "oom-kill").
/// </summary>
public static class FailureSignature
{
    /// <summary>Text Slurm and the kernel write to a task's stderr when memory is the reason it died.</summary>
    private static readonly string[] MemoryKillTexts =
        ["exceeded memory limit", "exceeded job memory limit", "oom-kill", "out-of-memory", "out of memory"];

    /// <summary>Classifies an accounting record, seeing through the OverMemoryKill disguise.</summary>
    public static SlurmStateClass Classify(AccountingRecord record)
    {
        var c = record.State.Classify();
        if (record.BatchState == SlurmJobState.OutOfMemory)
            return SlurmStateClass.OutOfMemory;
        if (c != SlurmStateClass.Failed || record.ExitCode is not { Signal: 9 })
            return c;
        var cancelledFromInside = record.BatchState == SlurmJobState.Cancelled && record.BatchCancelledByUid is not null;
        var atTheLimit = record.MaxRssBytes is { } rss && record.RequestedMemoryBytes is { } req && rss >= req * 9 / 10;
        return cancelledFromInside || atTheLimit ? SlurmStateClass.OutOfMemory : c;
    }

    /// <summary>
    /// Classifies a squeue entry when there is no accounting. A FAILED task killed by SIGKILL is taken for a
    /// memory kill when its stderr says so; with no stderr to read, it is taken for one too (on a batch
    /// system nothing else sends SIGKILL as often), which at worst retries once with more memory.
    /// </summary>
    public static SlurmStateClass Classify(QueueEntry entry, string? stderrTail = null)
    {
        var c = entry.State.Classify();
        if (c != SlurmStateClass.Failed || entry.ExitCode is not { Signal: 9 })
            return c;
        return stderrTail is null || MentionsMemoryKill(stderrTail) ? SlurmStateClass.OutOfMemory : c;
    }

    public static bool MentionsMemoryKill(string text) =>
        MemoryKillTexts.Any(t => text.Contains(t, StringComparison.OrdinalIgnoreCase));
}

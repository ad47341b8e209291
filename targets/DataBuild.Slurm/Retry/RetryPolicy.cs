namespace DataBuild.Slurm;

/// <summary>
/// Decides retries. Memory and time grow only for the failure that asks for them; everything is capped so a
/// runaway task cannot claim a whole cluster; a plain non-zero exit is the task's own verdict and is not
/// retried unless asked, since running a deterministic failure again only burns allocation.
/// </summary>
/// <param name="MaxAttempts">Runs in total, the first included.</param>
/// <param name="PeakRssMargin">Memory after an OOM = last good peak RSS x this, when history knows the peak.</param>
/// <param name="MemoryFactor">Memory after an OOM = current x this, when it does not (or the peak would not help).</param>
/// <param name="DefaultMemoryBytes">What a task without --mem is assumed to have had (Slurm's DefMemPerCPU).</param>
/// <param name="RetryCancelled">Retry a task someone cancelled (scancel): off by default, since a person stopped it on purpose.</param>
public sealed record RetryPolicy(
    int MaxAttempts = 3,
    double PeakRssMargin = 1.5,
    double MemoryFactor = 2.0,
    long MemoryCapBytes = 256L * 1024 * 1024 * 1024,
    long DefaultMemoryBytes = 1024L * 1024 * 1024,
    bool RetryTimeouts = true,
    double TimeFactor = 2.0,
    TimeSpan? TimeCap = null,
    bool RetryNonZeroExit = false,
    bool RetryCancelled = false)
{
    /// <summary>Longest --time a retry asks for when no cap is given: one week.</summary>
    public TimeSpan EffectiveTimeCap => TimeCap ?? TimeSpan.FromDays(7);

    public RetryDecision Decide(FailedAttempt failure)
    {
        if (failure.Attempt >= MaxAttempts)
            return RetryDecision.GiveUp(failure, $"{Describe(failure.Kind)} after {failure.Attempt} attempt(s), the most allowed (MaxAttempts={MaxAttempts})");
        return failure.Kind switch
        {
            FailureKind.OutOfMemory => MoreMemory(failure),
            FailureKind.Timeout => MoreTime(failure),
            FailureKind.Cancelled => RetryCancelled
                ? new RetryDecision(true, failure.MemoryBytes, failure.TimeLimit, "cancelled: retrying as it was (--retry-cancelled)")
                : RetryDecision.GiveUp(failure, "cancelled by scancel: not retried (rerun the build, or pass --retry-cancelled, to run it again)"),
            FailureKind.NodeFailure =>
                new RetryDecision(true, failure.MemoryBytes, failure.TimeLimit, $"{Describe(failure.Kind)}: not the task's fault, retrying as it was"),
            _ => RetryNonZeroExit
                ? new RetryDecision(true, failure.MemoryBytes, failure.TimeLimit, "non-zero exit: retrying as configured")
                : RetryDecision.GiveUp(failure, "non-zero exit: the task failed on its own terms; not retried"),
        };
    }

    private RetryDecision MoreMemory(FailedAttempt f)
    {
        var current = f.MemoryBytes ?? DefaultMemoryBytes;
        if (current >= MemoryCapBytes)
            return RetryDecision.GiveUp(f, $"out of memory at {SlurmMemory.Format(current)}, already at the cap of {SlurmMemory.Format(MemoryCapBytes)}; raise the cap or reduce the task's memory use");
        // The last good build's peak says what this partition needs; if it would not exceed what just failed,
        // the data has grown, so grow from the failed size instead.
        var fromPeak = f.LastGoodPeakRssBytes is { } peak ? (long)(peak * PeakRssMargin) : 0;
        var (wanted, basis) = fromPeak > current
            ? (fromPeak, $"last good peak RSS {SlurmMemory.Format(f.LastGoodPeakRssBytes!.Value)} x {PeakRssMargin}")
            : ((long)(current * MemoryFactor), $"{SlurmMemory.Format(current)} x {MemoryFactor}");
        var capped = Math.Min(wanted, MemoryCapBytes);
        var note = capped < wanted ? $", capped at {SlurmMemory.Format(MemoryCapBytes)}" : "";
        return new RetryDecision(true, capped, f.TimeLimit, $"out of memory: retrying with --mem={SlurmMemory.Format(capped)} ({basis}{note})");
    }

    private RetryDecision MoreTime(FailedAttempt f)
    {
        if (!RetryTimeouts)
            return RetryDecision.GiveUp(f, "timeout: retries after a time limit are turned off");
        if (f.TimeLimit is not { } current)
            return RetryDecision.GiveUp(f, "timeout at the partition's limit (no --time was set); set a time for this target to allow a longer retry");
        var cap = EffectiveTimeCap;
        if (current >= cap)
            return RetryDecision.GiveUp(f, $"timeout at --time={SlurmDuration.Format(current)}, already at the cap of {SlurmDuration.Format(cap)}");
        var wanted = current * TimeFactor;
        var capped = wanted < cap ? wanted : cap;
        var note = capped < wanted ? $", capped at {SlurmDuration.Format(cap)}" : "";
        return new RetryDecision(true, f.MemoryBytes, capped, $"timeout: retrying with --time={SlurmDuration.Format(capped)} ({SlurmDuration.Format(current)} x {TimeFactor}{note})");
    }

    private static string Describe(FailureKind kind) => kind switch
    {
        FailureKind.OutOfMemory => "out of memory",
        FailureKind.Timeout => "timeout",
        FailureKind.Cancelled => "cancelled",
        FailureKind.NodeFailure => "node failure",
        _ => "non-zero exit",
    };
}

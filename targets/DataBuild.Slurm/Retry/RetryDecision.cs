namespace DataBuild.Slurm;

/// <summary>Whether to run a failed task again, with which resources, and a reason to print verbatim.</summary>
public sealed record RetryDecision(bool Retry, long? MemoryBytes, TimeSpan? TimeLimit, string Reason)
{
    public static RetryDecision GiveUp(FailedAttempt a, string reason) => new(false, a.MemoryBytes, a.TimeLimit, reason);
}

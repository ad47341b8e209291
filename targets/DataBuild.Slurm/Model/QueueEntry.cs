namespace DataBuild.Slurm;

/// <summary>
/// One array task (or plain job) as squeue sees it. Finished tasks stay visible for MinJobAge seconds,
/// which is how a driver without accounting learns their end state and exit code.
/// </summary>
/// <param name="Task">The stable name, "123_4".</param>
/// <param name="JobId">The task's own job id once started; the array's id while pending.</param>
/// <param name="ExitCode">Known once the task has finished; squeue reports 0 before that.</param>
/// <param name="Reason">Why it waits or why it ended, e.g. "Resources", "NonZeroExitCode", "JobLaunchFailure".</param>
public sealed record QueueEntry(
    SlurmTaskId Task,
    long JobId,
    SlurmJobState State,
    SlurmExitCode? ExitCode,
    TimeSpan? TimeUsed,
    string NodeList,
    string Reason)
{
    public SlurmStateClass Class => State.Classify();
}

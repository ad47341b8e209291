namespace DataBuild.Slurm;

/// <summary>What an executor does with a state: wait, record success, or decide on a retry.</summary>
public enum SlurmStateClass
{
    Unknown,
    Pending,
    Running,
    Completed,
    Failed,
    OutOfMemory,
    Timeout,
    Cancelled,
    NodeFailure,
}

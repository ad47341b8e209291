namespace DataBuild.Slurm;

/// <summary>A Slurm job (or array task) state as squeue and sacct print it.</summary>
public enum SlurmJobState
{
    Unknown,
    Pending,
    Configuring,
    Running,
    Completing,
    Suspended,
    Stopped,
    Requeued,
    RequeueHold,
    RequeueFed,
    ResvDelHold,
    Resizing,
    Signaling,
    StageOut,
    Completed,
    Failed,
    OutOfMemory,
    Timeout,
    Cancelled,
    NodeFail,
    Preempted,
    BootFail,
    Deadline,
    Revoked,
    SpecialExit,
}

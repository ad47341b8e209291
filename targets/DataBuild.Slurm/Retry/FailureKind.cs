namespace DataBuild.Slurm;

/// <summary>Why an array task failed, as far as a retry decision cares.</summary>
public enum FailureKind
{
    OutOfMemory,
    Timeout,
    Cancelled,
    NodeFailure,
    NonZeroExit,
}

public static class FailureKinds
{
    /// <summary>The failure kind of a finished class, or null for success and states that are not final.</summary>
    public static FailureKind? From(SlurmStateClass c) => c switch
    {
        SlurmStateClass.OutOfMemory => FailureKind.OutOfMemory,
        SlurmStateClass.Timeout => FailureKind.Timeout,
        SlurmStateClass.Cancelled => FailureKind.Cancelled,
        SlurmStateClass.NodeFailure => FailureKind.NodeFailure,
        SlurmStateClass.Failed => FailureKind.NonZeroExit,
        _ => null,
    };
}

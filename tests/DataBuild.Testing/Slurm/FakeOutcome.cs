namespace DataBuild.Testing;

/// <summary>How a simulated task ends when the fake cluster runs it to the end.</summary>
public enum FakeOutcome
{
    Completed,
    NonZeroExit,
    OutOfMemory,
    Timeout,
    NodeFailure,
    Preempted,
    /// <summary>A user's scancel of this one task (CANCELLED by their uid).</summary>
    Cancelled,
}

/// <summary>How the fake shows a memory kill: like cgroups (OUT_OF_MEMORY) or like OverMemoryKill (FAILED, 0:9).</summary>
public enum FakeMemoryEnforcement
{
    Cgroup,
    Poll,
}

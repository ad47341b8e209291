namespace DataBuild.Slurm.Tests;

public class SlurmJobStatesTests
{
    [Fact]
    public void Parses_cancelled_by_uid_as_cancelled()
    {
        var state = SlurmJobStates.Parse("CANCELLED by 0", out var uid);

        Assert.Equal(SlurmJobState.Cancelled, state);
        Assert.Equal(0, uid);
        Assert.Equal(SlurmStateClass.Cancelled, state.Classify());
    }

    [Theory]
    [InlineData("PENDING", SlurmStateClass.Pending)]
    [InlineData("REQUEUED", SlurmStateClass.Pending)]
    [InlineData("CONFIGURING", SlurmStateClass.Pending)]
    [InlineData("RUNNING", SlurmStateClass.Running)]
    [InlineData("COMPLETING", SlurmStateClass.Running)]
    [InlineData("COMPLETED", SlurmStateClass.Completed)]
    [InlineData("FAILED", SlurmStateClass.Failed)]
    [InlineData("OUT_OF_MEMORY", SlurmStateClass.OutOfMemory)]
    [InlineData("TIMEOUT", SlurmStateClass.Timeout)]
    [InlineData("DEADLINE", SlurmStateClass.Timeout)]
    [InlineData("NODE_FAIL", SlurmStateClass.NodeFailure)]
    [InlineData("BOOT_FAIL", SlurmStateClass.NodeFailure)]
    [InlineData("PREEMPTED", SlurmStateClass.Cancelled)]
    [InlineData("OOM", SlurmStateClass.OutOfMemory)]
    [InlineData("CD", SlurmStateClass.Completed)]
    [InlineData("PD", SlurmStateClass.Pending)]
    public void Classifies_every_state_an_executor_meets(string text, SlurmStateClass expected) =>
        Assert.Equal(expected, SlurmJobStates.Parse(text).Classify());

    [Fact]
    public void Reads_a_state_that_sacct_truncated_with_a_plus() =>
        Assert.Equal(SlurmJobState.Cancelled, SlurmJobStates.Parse("CANCELLED+"));

    [Fact]
    public void Treats_a_state_from_a_newer_slurm_as_unknown_not_an_error() =>
        Assert.Equal(SlurmStateClass.Unknown, SlurmJobStates.Parse("LAUNCH_FAILED_SOMEDAY").Classify());

    [Fact]
    public void Only_ended_classes_are_final()
    {
        Assert.False(SlurmStateClass.Pending.IsFinal());
        Assert.False(SlurmStateClass.Running.IsFinal());
        Assert.False(SlurmStateClass.Unknown.IsFinal());
        Assert.True(SlurmStateClass.Completed.IsFinal());
        Assert.True(SlurmStateClass.OutOfMemory.IsFinal());
    }
}

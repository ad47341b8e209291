namespace DataBuild.Slurm.Tests;

public class RetryPolicyTests
{
    private const long GiB = 1024L * 1024 * 1024;
    private static readonly RetryPolicy Policy = new(MaxAttempts: 3, PeakRssMargin: 1.5, MemoryFactor: 2, MemoryCapBytes: 64 * GiB);

    [Fact]
    public void Retries_an_oom_with_the_last_good_peak_times_the_margin()
    {
        var d = Policy.Decide(new FailedAttempt(FailureKind.OutOfMemory, 1, 4 * GiB, null, LastGoodPeakRssBytes: 6 * GiB));

        Assert.True(d.Retry);
        Assert.Equal(9 * GiB, d.MemoryBytes);
        Assert.Contains("last good peak RSS 6G x 1.5", d.Reason);
    }

    [Fact]
    public void Retries_an_oom_with_twice_the_memory_without_history()
    {
        var d = Policy.Decide(new FailedAttempt(FailureKind.OutOfMemory, 1, 4 * GiB, null));

        Assert.Equal(8 * GiB, d.MemoryBytes);
        Assert.Equal("out of memory: retrying with --mem=8G (4G x 2)", d.Reason);
    }

    [Fact]
    public void Grows_from_the_failed_size_when_the_old_peak_would_not_help() =>
        Assert.Equal(8 * GiB, Policy.Decide(new FailedAttempt(FailureKind.OutOfMemory, 1, 4 * GiB, null, LastGoodPeakRssBytes: 1 * GiB)).MemoryBytes);

    [Fact]
    public void Caps_memory_and_then_gives_up_at_the_cap()
    {
        var capped = Policy.Decide(new FailedAttempt(FailureKind.OutOfMemory, 1, 48 * GiB, null));
        var atCap = Policy.Decide(new FailedAttempt(FailureKind.OutOfMemory, 2, 64 * GiB, null));

        Assert.Equal(64 * GiB, capped.MemoryBytes);
        Assert.Contains("capped at 64G", capped.Reason);
        Assert.False(atCap.Retry);
        Assert.Contains("already at the cap of 64G", atCap.Reason);
    }

    [Fact]
    public void Retries_a_timeout_with_twice_the_time()
    {
        var d = Policy.Decide(new FailedAttempt(FailureKind.Timeout, 1, 2 * GiB, TimeSpan.FromHours(1)));

        Assert.True(d.Retry);
        Assert.Equal(TimeSpan.FromHours(2), d.TimeLimit);
        Assert.Equal(2 * GiB, d.MemoryBytes);
    }

    [Fact]
    public void Does_not_retry_a_timeout_when_told_not_to() =>
        Assert.False((Policy with { RetryTimeouts = false }).Decide(new FailedAttempt(FailureKind.Timeout, 1, null, TimeSpan.FromHours(1))).Retry);

    [Fact]
    public void Does_not_retry_a_timeout_at_the_partition_limit() =>
        Assert.Contains("no --time was set", Policy.Decide(new FailedAttempt(FailureKind.Timeout, 1, null, null)).Reason);

    [Fact]
    public void Does_not_retry_a_task_a_user_cancelled_and_says_how_to_run_it_again()
    {
        var d = Policy.Decide(new FailedAttempt(FailureKind.Cancelled, 1, 2 * GiB, TimeSpan.FromHours(1)));

        Assert.False(d.Retry);
        Assert.Contains("cancelled by scancel: not retried", d.Reason);
        Assert.Contains("--retry-cancelled", d.Reason);
    }

    [Theory]
    [InlineData(FailureKind.Cancelled, true)]
    [InlineData(FailureKind.NodeFailure, false)]
    public void Retries_a_node_failure_and_when_asked_a_cancelled_task_unchanged(FailureKind kind, bool retryCancelled)
    {
        var d = (Policy with { RetryCancelled = retryCancelled }).Decide(new FailedAttempt(kind, 1, 2 * GiB, TimeSpan.FromHours(1)));

        Assert.True(d.Retry);
        Assert.Equal(2 * GiB, d.MemoryBytes);
        Assert.Equal(TimeSpan.FromHours(1), d.TimeLimit);
    }

    [Fact]
    public void Does_not_retry_a_plain_non_zero_exit() =>
        Assert.False(Policy.Decide(new FailedAttempt(FailureKind.NonZeroExit, 1, null, null)).Retry);

    [Fact]
    public void Gives_up_after_the_last_attempt()
    {
        var d = Policy.Decide(new FailedAttempt(FailureKind.NodeFailure, 3, null, null));

        Assert.False(d.Retry);
        Assert.Contains("after 3 attempt(s)", d.Reason);
    }

    [Fact]
    public void Maps_finished_classes_to_failure_kinds()
    {
        Assert.Equal(FailureKind.OutOfMemory, FailureKinds.From(SlurmStateClass.OutOfMemory));
        Assert.Equal(FailureKind.NonZeroExit, FailureKinds.From(SlurmStateClass.Failed));
        Assert.Null(FailureKinds.From(SlurmStateClass.Completed));
        Assert.Null(FailureKinds.From(SlurmStateClass.Running));
    }
}

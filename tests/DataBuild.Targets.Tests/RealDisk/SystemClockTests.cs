using DataBuild.IO;

namespace DataBuild.Targets.Tests.RealDisk;

/// <summary>The real clock's waits: a retry's backoff or a rate limit's slot may already be past when the wait starts.</summary>
public sealed class SystemClockTests
{
    private static IClock Clock => SystemClock.Instance;

    [Fact]
    public async Task A_wait_for_a_moment_already_past_completes_at_once()
    {
        var past = Clock.Delay(TimeSpan.FromMilliseconds(-3), CancellationToken.None);

        Assert.True(past.IsCompletedSuccessfully);
        await past;
    }

    [Fact]
    public async Task A_wait_of_some_milliseconds_completes_after_them()
    {
        var before = Clock.Elapsed;

        await Clock.Delay(TimeSpan.FromMilliseconds(30), CancellationToken.None);

        Assert.True(Clock.Elapsed - before >= TimeSpan.FromMilliseconds(25));
    }

    [Fact]
    public async Task A_cancelled_wait_for_a_moment_already_past_is_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Clock.Delay(TimeSpan.Zero, cancel.Token));
    }
}

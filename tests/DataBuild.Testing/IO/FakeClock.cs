using DataBuild.IO;

namespace DataBuild.Testing;

/// <summary>A clock that moves only when a test calls <see cref="Advance"/>.</summary>
public sealed class FakeClock(DateTimeOffset start) : IClock
{
    private TimeSpan _elapsed;

    public DateTimeOffset UtcNow => start + _elapsed;

    public TimeSpan Elapsed => _elapsed;

    public void Advance(TimeSpan by) => _elapsed += by;

    /// <summary>Waiting moves the clock: a backoff or a rate limit's wait takes no real time in tests.</summary>
    public Task Delay(TimeSpan delay, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (delay > TimeSpan.Zero) Advance(delay);
        Delays.Add(delay);
        return Task.CompletedTask;
    }

    /// <summary>Every wait asked of this clock, in order.</summary>
    public List<TimeSpan> Delays { get; } = [];
}

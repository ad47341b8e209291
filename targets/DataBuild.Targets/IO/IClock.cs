using System.Diagnostics;

namespace DataBuild.IO;

/// <summary>The time the engine reads: <see cref="SystemClock"/>; tests use FakeClock (tests/DataBuild.Testing).</summary>
public interface IClock
{
    DateTimeOffset UtcNow { get; }

    /// <summary>Monotonic time for durations; never goes backwards when the wall clock is adjusted.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>
    /// Completes after <paramref name="delay"/> of this clock's time (a retry's backoff, a rate limit's next slot); a
    /// moment already past (a zero or negative delay) completes at once.
    /// </summary>
    Task Delay(TimeSpan delay, CancellationToken cancellation) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, cancellation) : cancellation.IsCancellationRequested ? Task.FromCanceled(cancellation) : Task.CompletedTask;
}

public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();
    private static readonly long Start = Stopwatch.GetTimestamp();

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Start);
}

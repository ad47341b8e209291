using System.Diagnostics;

namespace DataBuild.IO;

public interface IClock
{
    DateTimeOffset UtcNow { get; }

    /// <summary>Monotonic time for durations; never goes backwards when the wall clock is adjusted.</summary>
    TimeSpan Elapsed { get; }
}

public sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();
    private static readonly long Start = Stopwatch.GetTimestamp();

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Start);
}

public sealed class FakeClock(DateTimeOffset start) : IClock
{
    private TimeSpan _elapsed;

    public DateTimeOffset UtcNow => start + _elapsed;

    public TimeSpan Elapsed => _elapsed;

    public void Advance(TimeSpan by) => _elapsed += by;
}

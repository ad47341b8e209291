using DataBuild.IO;

namespace DataBuild.Testing;

/// <summary>A clock that moves only when a test calls <see cref="Advance"/>.</summary>
public sealed class FakeClock(DateTimeOffset start) : IClock
{
    private TimeSpan _elapsed;

    public DateTimeOffset UtcNow => start + _elapsed;

    public TimeSpan Elapsed => _elapsed;

    public void Advance(TimeSpan by) => _elapsed += by;
}

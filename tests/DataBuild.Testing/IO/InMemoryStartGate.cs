using DataBuild.IO;

namespace DataBuild.Testing;

/// <summary>The build's shared start log in memory: the same window as the real one, and every start taken, by limit name.</summary>
public sealed class InMemoryStartGate : IStartGate
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<DateTimeOffset>> _window = new(StringComparer.Ordinal);

    /// <summary>Every start taken, in order, with its limit's name.</summary>
    public List<(string Name, DateTimeOffset At)> Taken { get; } = [];

    public DateTimeOffset? TryTake(string name, int count, TimeSpan per, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_window.TryGetValue(name, out var starts)) _window[name] = starts = [];
            var free = StartWindow.TryTake(starts, count, per, now);
            if (free is null) Taken.Add((name, now));
            return free;
        }
    }
}

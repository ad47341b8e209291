using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.Execution;

/// <summary>
/// A Slurm worker's side of <c>.RateLimit</c>: before a task starts, it takes a start from the build's shared start log,
/// waiting until one is free, so that the limit holds at task start across every array and node of the build.
/// </summary>
public static class StartPacing
{
    /// <summary>Waits for a start of <paramref name="limit"/> and takes it; returns how long it waited.</summary>
    public static TimeSpan WaitTurn(IStartGate gate, InvocationRateLimit limit, IClock clock, CancellationToken cancellation)
    {
        var started = clock.Elapsed;
        while (gate.TryTake(limit.Name, limit.Count, limit.Per, clock.UtcNow) is { } free)
            clock.Delay(free - clock.UtcNow, cancellation).GetAwaiter().GetResult();
        return clock.Elapsed - started;
    }
}

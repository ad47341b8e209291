using DataBuild.Execution;
using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.Targets.Tests.Execution;

/// <summary>A Slurm worker's side of a rate limit: each task takes its start from the build's shared log, waiting until one is free.</summary>
public sealed class StartPacingTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Starts_beyond_the_limit_wait_for_the_window_to_free_one_and_another_limit_waits_for_nothing()
    {
        var clock = new FakeClock(T0);
        var gate = new InMemoryStartGate();
        var ztf = new InvocationRateLimit("fornax-ztf", 2, TimeSpan.FromSeconds(1));

        var waits = Enumerable.Range(0, 5).Select(_ => StartPacing.WaitTurn(gate, ztf, clock, CancellationToken.None)).ToList();
        var wise = StartPacing.WaitTurn(gate, ztf with { Name = "fornax-wise" }, clock, CancellationToken.None);

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.Zero, TimeSpan.FromSeconds(1)], waits);
        Assert.Equal(TimeSpan.Zero, wise);
        Assert.Equal([T0, T0, T0.AddSeconds(1), T0.AddSeconds(1), T0.AddSeconds(2)], gate.Taken.Where(t => t.Name == "fornax-ztf").Select(t => t.At));
    }

    [Fact]
    public void The_next_free_start_is_when_the_start_that_fills_the_window_leaves_it_and_a_start_stamped_ahead_still_counts()
    {
        var starts = new List<DateTimeOffset> { T0.AddMilliseconds(-1500), T0.AddMilliseconds(-800), T0.AddMilliseconds(-300), T0.AddMilliseconds(200) };

        var free = StartWindow.TryTake(starts, 3, TimeSpan.FromSeconds(1), T0);

        Assert.Equal(T0.AddMilliseconds(200), free); // -800 leaves at +200; -300 and +200 (a node whose clock runs ahead) still count
        Assert.Equal(3, starts.Count);
        Assert.Null(StartWindow.TryTake(starts, 3, TimeSpan.FromSeconds(1), T0.AddMilliseconds(200)));
    }

    [Fact]
    public void A_worker_cancelled_while_it_waits_stops_waiting_and_takes_no_start()
    {
        var clock = new FakeClock(T0);
        var gate = new InMemoryStartGate();
        var limit = new InvocationRateLimit("archive", 1, TimeSpan.FromMinutes(1));
        StartPacing.WaitTurn(gate, limit, clock, CancellationToken.None);

        Assert.Throws<OperationCanceledException>(() => StartPacing.WaitTurn(gate, limit, clock, new CancellationToken(canceled: true)));

        Assert.Single(gate.Taken);
    }
}

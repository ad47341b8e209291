using DataBuild.IO;

namespace DataBuild.Targets.Tests.RealDisk;

/// <summary>The shared start log on a real disk: one flock'd file per limit, which every process of a build reads and rewrites.</summary>
public sealed class SharedStartLogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Takers_racing_on_one_limit_at_the_same_moment_get_exactly_its_count_between_them()
    {
        // Each take opens the file anew, so the threads hold separate flocks exactly as processes on several nodes do.
        var logs = Enumerable.Range(0, 16).Select(_ => new SharedStartLog(_dir.File("ratelimits"))).ToList();
        using var go = new Barrier(logs.Count);

        var answers = logs.AsParallel().WithDegreeOfParallelism(logs.Count)
            .Select(log => { go.SignalAndWait(); return log.TryTake("fornax ztf/g", 5, TimeSpan.FromSeconds(1), T0); }).ToList();

        Assert.Equal(5, answers.Count(a => a is null));
        Assert.All(answers.Where(a => a is not null), a => Assert.Equal(T0.AddSeconds(1), a));
        Assert.Equal(["fornax%20ztf%2Fg.starts"], Directory.GetFiles(_dir.File("ratelimits")).Select(Path.GetFileName));
        Assert.Equal(5, File.ReadAllLines(_dir.File("ratelimits/fornax%20ztf%2Fg.starts")).Length);
    }

    [Fact]
    public void A_later_process_sees_the_starts_of_earlier_ones_and_only_those_still_in_the_window()
    {
        new SharedStartLog(_dir.File("ratelimits")).TryTake("archive", 2, TimeSpan.FromMinutes(1), T0);
        new SharedStartLog(_dir.File("ratelimits")).TryTake("archive", 2, TimeSpan.FromMinutes(1), T0.AddSeconds(30));

        var refused = new SharedStartLog(_dir.File("ratelimits")).TryTake("archive", 2, TimeSpan.FromMinutes(1), T0.AddSeconds(45));
        var taken = new SharedStartLog(_dir.File("ratelimits")).TryTake("archive", 2, TimeSpan.FromMinutes(1), T0.AddSeconds(60));

        Assert.Equal(T0.AddSeconds(60), refused);
        Assert.Null(taken);
        Assert.Equal([T0.AddSeconds(30).ToUnixTimeMilliseconds().ToString(), T0.AddSeconds(60).ToUnixTimeMilliseconds().ToString()],
            File.ReadAllLines(_dir.File("ratelimits/archive.starts")));
    }
}

using DataBuild.IO;
using DataBuild.Testing;

namespace DataBuild.Targets.Tests.UpToDate;

/// <summary>The observations an up-to-date snapshot rests on: every stat, from every thread, once each, none lost.</summary>
public sealed class WitnessingFileSystemTests
{
    [Fact]
    public void Every_stat_of_every_thread_is_observed_once_across_many_chunks()
    {
        var files = new InMemoryFileSystem();
        const int perThread = 10_000; // more than two of a thread's chunks, and the small first arrays before them
        for (var t = 0; t < 3; t++)
            for (var i = 0; i < perThread; i += 2) files.WriteAllText($"t{t}/f{i}", $"{t}.{i}");
        var witnessing = new WitnessingFileSystem(files);

        var threads = Enumerable.Range(0, 3).Select(t => new Thread(() =>
        {
            for (var i = 0; i < perThread; i++) witnessing.Stat($"t{t}/f{i}");
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        witnessing.ListFiles("t0");

        var observed = witnessing.Observed();
        var all = observed.ToList();
        Assert.Equal(3 * perThread + 1, observed.Count);
        Assert.Equal(observed.Count, all.Count);
        var stats = all.Where(w => w.Kind == WitnessKind.Stat).ToDictionary(w => w.Path);
        Assert.Equal(3 * perThread, stats.Count);
        for (var t = 0; t < 3; t++)
            for (var i = 0; i < perThread; i++)
            {
                var stat = stats[$"t{t}/f{i}"].Stat;
                // Even files exist (their stat recorded), odd ones were observed absent.
                Assert.Equal(i % 2 == 0, stat is not null);
                if (stat is { } s) Assert.Equal(files.Stat($"t{t}/f{i}"), s);
            }
        Assert.Single(all, w => w.Kind == WitnessKind.Listing && w.Path == "t0");
    }
}

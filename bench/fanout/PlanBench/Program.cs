using System.Diagnostics;
using DataBuild;
using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.UpToDate;
using DataBuild.State;
using DataBuild.Testing;

namespace DataBuild.Bench.Fanout;

/// <summary>
/// fanout-bench plan N     plan the fan-out at N quads on the in-memory file system with an empty state (every node
///                          never built: every input hashed, every output stat'ed); timestamps per target
/// fanout-bench hash DIR    XxHash128 throughput: in memory, over a 1 GiB file in DIR, over DIR/raw/*
/// Each prints a human-readable breakdown and a last line "RESULT key=value ..." for bench/run.sh.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["plan", var n]:
                return await Plan(int.Parse(n));
            case ["hash", var dir]:
                return Hash(dir);
            default:
                Console.Error.WriteLine("usage: fanout-bench plan N | fanout-bench hash DIR");
                return 2;
        }
    }

    private static async Task<int> Plan(int quads)
    {
        var fs = new InMemoryFileSystem();
        for (var q = 0; q < quads; q++) fs.WriteAllText($"raw/q{q}", $"quad {q}\n");
        var workspace = new Workspace { FileSystem = fs };
        var model = PipelineModel.Load(new FanoutPipeline(quads));
        var selectors = new List<NodeSelector> { new("FanoutAll", PartitionKey.None) };
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var gen2Before = GC.CollectionCount(2);
        var gcsBefore = GC.CollectionCount(0);
        var pauseBefore = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        var timeline = new TimelineReporter(clock);
        using var state = StateStore.Open(":memory:");
        var session = new BuildSession(model, workspace, state, null, timeline, new BuildOptions { Selectors = selectors, Plan = true });
        var created = clock.Elapsed.TotalSeconds;
        var outcome = await session.RunAsync(CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        var wouldRun = outcome.Count(NodeState.WouldRun);
        var upToDateNodes = outcome.Count(NodeState.UpToDate);
        Console.WriteLine($"plan of {quads} quads ({outcome.Nodes.Count} nodes, {wouldRun} would run, {upToDateNodes} up to date): {seconds:F2} s");
        timeline.Write(Console.Out, created);
        var allocatedMb = (GC.GetTotalAllocatedBytes() - allocatedBefore) / 1e6;
        var peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / 1e6;
        var pause = (GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds;
        Console.WriteLine($"  allocated {allocatedMb:F0} MB, {GC.CollectionCount(0) - gcsBefore} GCs ({GC.CollectionCount(2) - gen2Before} gen2) pausing {pause:F2} s, process peak working set {peakMb:F0} MB (includes the in-memory files)");
        Console.WriteLine($"RESULT seconds={seconds:F3} nodes={outcome.Nodes.Count} would_run={wouldRun} up_to_date={upToDateNodes} allocated_mb={allocatedMb:F0} gc_pause_s={pause:F2} peak_mb={peakMb:F0}");
        return 0;
    }

    private static int Hash(string dir)
    {
        // In memory: 256 MiB of pseudo-random bytes through the engine's ContentHasher (1 MiB chunks), best of 5.
        var buffer = new byte[256 << 20];
        new Random(42).NextBytes(buffer);
        var memory = BestRate(() => ContentHasher.Hash(new MemoryStream(buffer, writable: false)), buffer.Length);

        // Over a file: 1 GiB written here, then hashed through RealFileSystem + FileHasher with an empty stat cache.
        // The file was just written, so it is in the page cache: this is the hashing and read(2) path, not the disk.
        var fs = new RealFileSystem(dir);
        var big = "fanout-bench-1GiB.bin";
        using (var stream = fs.Create(big))
            for (var i = 0; i < 4; i++) stream.Write(buffer);
        double file;
        try
        {
            file = BestRate(() => new FileHasher(fs, new Dictionary<string, FileRecord>()).Hash(big), 4L * buffer.Length);
        }
        finally
        {
            fs.Delete(big);
        }

        // Small files: every raw/q* of the workload in DIR, empty stat cache (stat + open + read + close per file).
        var raw = fs.ListFiles("raw").Select(f => "raw/" + f).ToList();
        var perSecond = 0.0;
        if (raw.Count > 0)
        {
            var clock = Stopwatch.StartNew();
            var hasher = new FileHasher(fs, new Dictionary<string, FileRecord>());
            Parallel.ForEach(raw, path => hasher.Hash(path));
            perSecond = raw.Count / clock.Elapsed.TotalSeconds;
        }
        Console.WriteLine($"XxHash128 in memory: {memory / 1e9:F2} GB/s; over a 1 GiB file (page cache): {file / 1e9:F2} GB/s; " +
            $"{raw.Count} small files, empty stat cache, parallel: {perSecond:F0} files/s");
        Console.WriteLine($"RESULT memory_gbs={memory / 1e9:F2} file_gbs={file / 1e9:F2} small_files={raw.Count} small_files_per_s={perSecond:F0}");
        return 0;
    }

    private static double BestRate(Func<object?> hash, long bytes)
    {
        var best = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            hash();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return bytes / best;
    }
}

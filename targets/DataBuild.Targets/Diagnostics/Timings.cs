using System.Diagnostics;

namespace DataBuild.Diagnostics;

/// <summary>
/// Phase timings for profiling a build from the outside: with DATABUILD_TIMINGS=1 each phase is printed, to stderr
/// when the process exits, with the milliseconds since the process started and since the previous phase, the CPU
/// time (all threads) since the previous phase, GC counts, the resident memory then, and the methods compiled at run
/// time so far (ReadyToRun code covers the rest; each one compiled costs start-up time). A mark only records a clock,
/// the CPU time and the counters: formatting and the console would cost milliseconds of their own at the start of a
/// short run and move them into the phase after. Off, a mark costs one branch. DATABUILD_TIMINGS=alloc adds the
/// sampled allocations by type. Marks may come from any thread.
/// </summary>
public static class Timings
{
    private static readonly string? Setting = Environment.GetEnvironmentVariable("DATABUILD_TIMINGS");
    private static readonly bool Enabled = Setting is "1" or "alloc";
    private static readonly List<Entry>? Entries = Enabled ? Start() : null;
    private static readonly Lock? Gate = Enabled ? new() : null; // only with timings on: a first Lock is not free

    // A class: a list of a struct of ours would be compiled at run time, at every start, even with timings off.
    private sealed record Entry(string Phase, DateTime At, TimeSpan Cpu, int Gen0, int Gen1, int Gen2, long Allocated, long Compiled, TimeSpan Compiling, long Rss);

    /// <summary>A phase with a count (formatted only when timings are on: a cold build marks every batch).</summary>
    public static void Mark(string phase, int count)
    {
        if (Enabled) Mark($"{phase} {count}");
    }

    public static void Mark(string phase)
    {
        if (!Enabled) return;
        var entry = new Entry(phase, DateTime.UtcNow, Environment.CpuUsage.TotalTime, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            GC.GetTotalAllocatedBytes(), System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime(), Environment.WorkingSet);
        lock (Gate!) Entries!.Add(entry);
    }

    // The sampler in a class of its own and the console in a lambda: named in this class's static constructor,
    // EventSource's and the console's assemblies would be loaded with timings off too, at every start.
    private static class Sampling
    {
        private static readonly AllocationSampler Sampler = new();

        public static void Start() => GC.KeepAlive(Sampler);

        public static void Report(TextWriter o) => Sampler.Report(o);
    }

    private static List<Entry> Start()
    {
        if (Setting == "alloc") Sampling.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Print(Console.Error);
        return new List<Entry>(64);
    }

    private static void Print(TextWriter error)
    {
        if (Setting == "alloc") Sampling.Report(error);
        var start = Process.GetCurrentProcess().StartTime.ToUniversalTime();
        double previousMs = 0, previousCpuMs = 0;
        lock (Gate!)
        {
            foreach (var e in Entries!)
            {
                var ms = (e.At - start).TotalMilliseconds;
                var cpuMs = e.Cpu.TotalMilliseconds;
                error.WriteLine($"[timings] {ms,8:F1} ms  +{ms - previousMs,7:F1}  cpu +{cpuMs - previousCpuMs,7:F1}  {e.Phase}  (gc {e.Gen0}/{e.Gen1}/{e.Gen2}, {e.Allocated >> 20} MB allocated, rss {e.Rss >> 20} MB, jit {e.Compiled} methods {e.Compiling.TotalMilliseconds:F1} ms)");
                (previousMs, previousCpuMs) = (ms, cpuMs);
            }
            Entries!.Clear();
        }
        // What the GC heap held after its last collection, against what it kept committed: the two halves of the
        // process's anonymous memory.
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        error.WriteLine($"[timings] last GC (gen{gc.Generation}): {gc.HeapSizeBytes >> 20} MB heap after it ({gc.PromotedBytes >> 20} MB promoted, " +
            $"{gc.FragmentedBytes >> 20} MB fragmented), {gc.TotalCommittedBytes >> 20} MB committed; {GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes >> 20} MB after the last full one");
    }
}

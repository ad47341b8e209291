using System.Diagnostics;

namespace DataBuild.Diagnostics;

/// <summary>
/// Phase timings for profiling a build from the outside: with DATABUILD_TIMINGS=1 each phase prints, to stderr,
/// the milliseconds since the process started, since the previous phase, and the CPU time (all threads) since the
/// previous phase, with GC counts and the methods compiled at run time so far (ReadyToRun code covers the rest; each
/// one compiled costs start-up time). Off, a mark costs one branch. DATABUILD_TIMINGS=alloc adds the sampled
/// allocations by type at the end. Marks may come from any thread.
/// </summary>
public static class Timings
{
    private static readonly string? Setting = Environment.GetEnvironmentVariable("DATABUILD_TIMINGS");
    private static readonly bool Enabled = Setting is "1" or "alloc";
    private static readonly AllocationSampler? Sampler = Setting == "alloc" ? new AllocationSampler() : null;
    private static readonly DateTime ProcessStart = Enabled ? Process.GetCurrentProcess().StartTime.ToUniversalTime() : default;
    private static double _previousMs, _previousCpuMs;
    private static readonly Lock Gate = new();

    /// <summary>A phase with a count (formatted only when timings are on: a cold build marks every batch).</summary>
    public static void Mark(string phase, int count)
    {
        if (Enabled) Mark($"{phase} {count}");
    }

    public static void Mark(string phase)
    {
        if (!Enabled) return;
        lock (Gate) Print(phase);
    }

    private static void Print(string phase)
    {
        if (phase == "reported") Sampler?.Report(Console.Error);
        var ms = (DateTime.UtcNow - ProcessStart).TotalMilliseconds;
        var cpuMs = Environment.CpuUsage.TotalTime.TotalMilliseconds;
        Console.Error.WriteLine($"[timings] {ms,8:F1} ms  +{ms - _previousMs,7:F1}  cpu +{cpuMs - _previousCpuMs,7:F1}  {phase}  (gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, {GC.GetTotalAllocatedBytes() >> 20} MB allocated, jit {System.Runtime.JitInfo.GetCompiledMethodCount()} methods {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F1} ms)");
        _previousMs = ms;
        _previousCpuMs = cpuMs;
    }
}

using System.Globalization;

namespace DataBuild.Reporting;

/// <summary>What a target's tasks asked for and what they used, over the run's last attempt of each of its nodes.</summary>
public sealed record TargetUsage(
    string Target, int Tasks, int Attempts, int Failed, long? RequestedMemoryMb, double? PeakMemoryMb, int RequestedCores,
    double? MaxCoresUsed, double? CpuEfficiency, double? RequestedWallSeconds, double LongestWallSeconds)
{
    /// <summary>The usage of each target of the run, from its attempts and (for peaks the trace lacks) its samples.</summary>
    public static IReadOnlyList<TargetUsage> Of(RunData run) =>
        run.Attempts.GroupBy(a => a.Target).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var last = g.GroupBy(a => a.Node).Select(n => n.MaxBy(a => a.Number)!).ToList();
            // The driver's memory, sampled while an in-process task ran, is not the task's: no advice is drawn from it.
            var peaks = g.Select(a => Max(a.PeakRssMb, run.Samples.TryGetValue((a.Node, a.Number), out var s) && s.Any(x => !x.DriverMemory)
                    ? s.Where(x => !x.DriverMemory).Max(x => x.RssMb) : null))
                .Where(p => p is not null).Select(p => p!.Value).ToList();
            var timed = g.Where(a => a.CpuSeconds is not null && a.WallSeconds > 0).ToList();
            var asked = timed.Sum(a => a.WallSeconds * a.Cores);
            return new TargetUsage(
                g.Key, last.Count, g.Count(), last.Count(a => !a.Succeeded), g.Max(a => a.MemoryMb), peaks.Count > 0 ? peaks.Max() : null,
                g.Max(a => a.Cores), timed.Count > 0 ? timed.Max(a => a.CpuSeconds!.Value / a.WallSeconds) : null,
                asked > 0 ? timed.Sum(a => a.CpuSeconds!.Value) / asked : null, g.Max(a => a.WalltimeSeconds), g.Max(a => a.WallSeconds));
        }).ToList();

    /// <summary>What to ask for next time, one sentence per resource that is far off (or a note that it fits).</summary>
    public IReadOnlyList<string> Recommendations()
    {
        var advice = new List<string>();
        if (PeakMemoryMb is { } peak)
        {
            var suggested = SuggestMemoryMb(peak);
            if (RequestedMemoryMb is not { } asked)
                advice.Add($"{Target} asked for no memory; the largest peak was {Memory(peak)}: ask for {Memory(suggested)} (.MemoryMb({suggested})).");
            else if (peak > asked)
                advice.Add($"{Target} asked for {Memory(asked)}, the largest peak was {Memory(peak)}, above it: ask for {Memory(suggested)}.");
            else if (suggested < asked * 0.75)
                advice.Add($"{Target} asked for {Memory(asked)}, the largest peak was {Memory(peak)}: ask for {Memory(suggested)}.");
            else
                advice.Add($"{Target} asked for {Memory(asked)}, the largest peak was {Memory(peak)}: about right.");
        }
        if (MaxCoresUsed is { } used)
        {
            var need = Math.Max(1, (int)Math.Ceiling(used - 0.05));
            if (RequestedCores > 1 && used < RequestedCores * 0.5)
                advice.Add($"{Target} asked for {RequestedCores} cores and used at most {used:0.0} on average over a task: ask for {need}.");
            else if (used > RequestedCores * 1.2)
                advice.Add($"{Target} used up to {used:0.0} cores over a task, more than the {RequestedCores} it asked for: ask for {need}.");
        }
        if (RequestedWallSeconds is { } wall && LongestWallSeconds > 0 && LongestWallSeconds < wall / 2)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling(LongestWallSeconds * 1.5 / 60));
            advice.Add($"{Target} asked for {Duration(wall)} of wall time, the longest task took {Duration(LongestWallSeconds)}: ask for {minutes} min.");
        }
        return advice;
    }

    /// <summary>A quarter above the peak, rounded up to 128 MB below 1 GB and to 0.5 GB above: 1.2 GB -> 1.5 GB.</summary>
    public static long SuggestMemoryMb(double peakMb)
    {
        var wanted = peakMb * 1.25;
        var step = wanted <= 1024 ? 128 : 512;
        return (long)Math.Ceiling(wanted / step) * step;
    }

    /// <summary>Megabytes as a person reads them: 900 MB, 1.5 GB.</summary>
    public static string Memory(double mb) =>
        mb >= 1024 ? (mb / 1024).ToString("0.#", CultureInfo.InvariantCulture) + " GB" : mb.ToString("0", CultureInfo.InvariantCulture) + " MB";

    public static string Duration(double seconds) =>
        seconds >= 3600 ? $"{seconds / 3600:0.#} h" : seconds >= 60 ? $"{seconds / 60:0.#} min" : $"{seconds:0.#} s";

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}

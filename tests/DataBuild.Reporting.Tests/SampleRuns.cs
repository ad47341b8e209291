using DataBuild.Reporting;
using DataBuild.State;

namespace DataBuild.Reporting.Tests;

/// <summary>Runs made up in memory, with exactly known tasks, samples and jobs.</summary>
internal static class SampleRuns
{
    public static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);

    public static Attempt Attempt(string node, string target, double start, double end, string status = "Succeeded", int number = 1,
        string? job = null, long? memoryMb = null, double? peakMb = null, int cores = 1, double? cpu = null, string reason = "never built") =>
        new(node, target, node.Contains('[') ? node[(node.IndexOf('[') + 1)..^1] : "", number, job is null ? "local" : "slurm", "node1", job, status,
            status == "Succeeded" ? 0 : 1, Start.AddSeconds(start), Start.AddSeconds(end), end - start, cpu ?? (end - start) * 0.9, peakMb, cores, memoryMb,
            0, null, reason, $".databuild/logs/{target}.log", status == "Succeeded" ? "" : "exit code 1");

    public static IReadOnlyList<Sample> Growing(double seconds, double fromMb, double toMb) =>
        Enumerable.Range(0, (int)seconds + 1).Select(i => new Sample(i, fromMb + (toMb - fromMb) * i / seconds, 0.9, i, 0, 3, null, null)).ToList();

    /// <summary>Three targets: Raw (2 tasks), Features (3 tasks, one retried after an OOM in a Slurm job), Catalog (failed).</summary>
    public static RunData ThreeTargets()
    {
        var attempts = new List<Attempt>
        {
            Attempt("Raw[quad=0]", "Raw", 0, 4, peakMb: 50),
            Attempt("Raw[quad=1]", "Raw", 0.5, 5, peakMb: 60, reason: "input changed: raw/q1.fits"),
            Attempt("Features[quad=0]", "Features", 5, 12, memoryMb: 8192, peakMb: 1200, job: "41_0"),
            Attempt("Features[quad=1]", "Features", 5, 9, "OutOfMemory", job: "41_1", memoryMb: 8192, peakMb: 1100),
            Attempt("Features[quad=1]", "Features", 10, 16, number: 2, job: "42_0", memoryMb: 12288, peakMb: 1228.8),
            Attempt("Features[quad=2]", "Features", 6, 11, memoryMb: 8192, peakMb: 900, job: "41_2"),
            Attempt("Catalog", "Catalog", 16, 17, "Failed", reason: "input changed: features/q1.parquet"),
        };
        var samples = attempts.Where(a => a.Target != "Catalog").ToDictionary(a => (a.Node, a.Number),
            a => Growing((a.End - a.Start).TotalSeconds, 20, a.PeakRssMb ?? 20));
        return new RunData
        {
            Run = new RunRecord(7, Start, Start.AddSeconds(18), "astro@login1", "./build.sh Catalog --fields 296 --executor slurm", "failed"),
            Attempts = attempts, Samples = samples,
            Jobs = [new JobRecord("41", 7, ".databuild/slurm/7/1/manifest.jsonl", Start.AddSeconds(5), "done"),
                new JobRecord("42", 7, ".databuild/slurm/7/2/manifest.jsonl", Start.AddSeconds(10), "done")],
            NotRun = new Dictionary<string, int> { ["Raw"] = 14 },
            LogTails = new Dictionary<string, string> { ["Catalog"] = "reading features\nTraceback: <boom> & more\nValueError: no rows" },
        };
    }
}

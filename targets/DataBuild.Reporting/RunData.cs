using System.Globalization;
using System.IO.Compression;
using DataBuild.State;

namespace DataBuild.Reporting;

/// <summary>One task attempt as the run's trace.tsv records it.</summary>
public sealed record Attempt(
    string Node, string Target, string Partition, int Number, string Executor, string Host, string? JobId, string Status, int? ExitCode,
    DateTimeOffset Start, DateTimeOffset End, double WallSeconds, double? CpuSeconds, double? PeakRssMb, int Cores, long? MemoryMb,
    int Gpus, double? WalltimeSeconds, string Reason, string Log, string Message)
{
    public bool Succeeded => Status == nameof(BuildStatus.Succeeded);
}

/// <summary>One resource sample of a task attempt as samples.tsv.gz records it.</summary>
public sealed record Sample(double Seconds, double RssMb, double Cores, double ReadMb, double WriteMb, int Threads, int? GpuPercent, long? GpuMemoryMb,
    bool DriverMemory = false);

/// <summary>
/// Everything a report shows about one run, read from the state (the run, its jobs, the nodes it did not run) and the
/// run's files (<c>trace.tsv</c>, <c>samples.tsv.gz</c>).
/// </summary>
public sealed class RunData
{
    public required RunRecord Run { get; init; }
    public required IReadOnlyList<Attempt> Attempts { get; init; }
    public required IReadOnlyDictionary<(string Node, int Attempt), IReadOnlyList<Sample>> Samples { get; init; }
    public required IReadOnlyList<JobRecord> Jobs { get; init; }

    /// <summary>Nodes built before and not run by this run (up to date, or not asked for), by target.</summary>
    public required IReadOnlyDictionary<string, int> NotRun { get; init; }

    /// <summary>The last lines of each failed node's log (by node), read when the report is made.</summary>
    public required IReadOnlyDictionary<string, string> LogTails { get; init; }

    /// <summary>Reads run <paramref name="runId"/> (the latest when null) of the state directory <paramref name="stateDirectory"/>.</summary>
    public static RunData Load(string workspaceRoot, string stateDirectory, long? runId)
    {
        var statePath = Path.Combine(workspaceRoot, stateDirectory, "state.db");
        if (!File.Exists(statePath))
            throw new Model.UsageException($"No build has been recorded here ({stateDirectory}/state.db does not exist): run a build first, e.g. ./build.sh Predictions.");
        using var state = StateStore.Open(statePath);
        // By default the latest run that ran a task (it has a trace): a later full check that found everything up to date
        // is a run too, with nothing to show.
        var recent = state.RecentRunIds(1000);
        var id = runId ?? recent.Cast<long?>().FirstOrDefault(r => File.Exists(TracePath(workspaceRoot, stateDirectory, r!.Value))) ?? recent.Cast<long?>().FirstOrDefault()
            ?? throw new Model.UsageException($"{stateDirectory}/state.db has no runs yet: run a build first.");
        var run = state.LoadRun(id) ?? throw new Model.UsageException(
            $"There is no run {id} in {stateDirectory}/state.db (the latest is {state.LastRunId()?.ToString(CultureInfo.InvariantCulture) ?? "none"}); use --last for the latest.");
        var runDirectory = Path.GetDirectoryName(TracePath(workspaceRoot, stateDirectory, id))!;
        var attempts = ReadTrace(TracePath(workspaceRoot, stateDirectory, id));
        var ran = attempts.Select(a => a.Node).ToHashSet(StringComparer.Ordinal);
        var notRun = state.LoadNodes().Values.Where(n => n.GoodBuild is not null && !ran.Contains(n.Node))
            .GroupBy(n => n.Target).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var tails = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var failed in attempts.GroupBy(a => a.Node).Select(g => g.MaxBy(a => a.Number)!).Where(a => !a.Succeeded))
            tails[failed.Node] = Tail(Path.Combine(workspaceRoot, failed.Log), 30);
        return new RunData
        {
            Run = run, Attempts = attempts, Samples = ReadSamples(Path.Combine(runDirectory, "samples.tsv.gz")), Jobs = state.JobsOfRun(id),
            NotRun = notRun, LogTails = tails,
        };
    }

    /// <summary>The rows of a trace.tsv, by its header's column names; none when the run ran no task.</summary>
    public static IReadOnlyList<Attempt> ReadTrace(string path)
    {
        if (!File.Exists(path)) return [];
        var rows = new List<Attempt>();
        using var reader = new StreamReader(path);
        var header = (reader.ReadLine() ?? "").Split('\t');
        var column = header.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var cells = line.Split('\t');
            string Cell(string name) => column.TryGetValue(name, out var i) && i < cells.Length ? cells[i] : "";
            rows.Add(new Attempt(
                Cell("node"), Cell("target"), Cell("partition"), Int(Cell("attempt")) ?? 1, Cell("executor"), Cell("host"), Empty(Cell("job_id")),
                Cell("status"), Int(Cell("exit_code")), Time(Cell("start")), Time(Cell("end")), Double(Cell("wall_s")) ?? 0, Double(Cell("cpu_s")),
                Double(Cell("peak_rss_mb")), Int(Cell("cores")) ?? 1, Long(Cell("memory_mb")), Int(Cell("gpus")) ?? 0, Double(Cell("walltime_s")),
                Cell("reason"), Cell("log"), Cell("message")));
        }
        return rows;
    }

    /// <summary>The samples of a samples.tsv.gz by node and attempt; none when the file is missing.</summary>
    public static IReadOnlyDictionary<(string Node, int Attempt), IReadOnlyList<Sample>> ReadSamples(string path)
    {
        var samples = new Dictionary<(string, int), List<Sample>>();
        if (!File.Exists(path)) return new Dictionary<(string, int), IReadOnlyList<Sample>>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        reader.ReadLine(); // the header
        while (reader.ReadLine() is { } line)
        {
            var c = line.Split('\t');
            if (c.Length < 10) continue;
            var key = (c[0], Int(c[1]) ?? 1);
            if (!samples.TryGetValue(key, out var list)) samples[key] = list = [];
            list.Add(new Sample(Double(c[2]) ?? 0, Double(c[3]) ?? 0, Double(c[4]) ?? 0, Double(c[5]) ?? 0, Double(c[6]) ?? 0, Int(c[7]) ?? 0, Int(c[8]), Long(c[9]),
                c.Length > 10 && c[10] == "driver"));
        }
        return samples.ToDictionary(p => p.Key, p => (IReadOnlyList<Sample>)p.Value);
    }

    private static string TracePath(string workspaceRoot, string stateDirectory, long run) =>
        Path.Combine(workspaceRoot, stateDirectory, "runs", run.ToString(CultureInfo.InvariantCulture), "trace.tsv");

    private static string Tail(string path, int lines)
    {
        try
        {
            return string.Join('\n', File.ReadLines(path).TakeLast(lines));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(the log {path} cannot be read: {e.Message})";
        }
    }

    private static string? Empty(string text) => text.Length == 0 ? null : text;
    private static int? Int(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
    private static long? Long(string text) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
    private static double? Double(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
    private static DateTimeOffset Time(string text) => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : default;
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using DataBuild.Scheduling;

namespace DataBuild.Cli;

/// <summary>
/// <c>status</c> while a driver runs: the newest run's <see cref="ProgressFile"/>, read as a plain file (never the
/// state's lock), shown when its driver is still alive; <c>--watch</c> shows it again every two seconds until the run ends.
/// </summary>
internal static class LiveStatus
{
    public static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(2);

    // A driver on another host (a detached Slurm driver) cannot be asked whether it lives: a file it has not rewritten
    // for this long belongs to one that is gone.
    private static readonly TimeSpan RemoteSilence = TimeSpan.FromMinutes(10);

    /// <summary>The progress of a driver that is running now in this workspace, or null when none is.</summary>
    public static JsonElement? Running(Workspace workspace)
    {
        if (Newest(workspace) is not { } progress) return null;
        return progress.GetProperty("state").GetString() == "running" && Alive(workspace, progress) ? progress : null;
    }

    private static JsonElement? Read(Workspace workspace, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(workspace.FileSystem.ReadAllBytes(path));
            return document.RootElement.Clone();
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null; // gone between the listing and the read (a new run started): as if there were none
        }
    }

    private static bool Alive(Workspace workspace, JsonElement progress)
    {
        if (progress.GetProperty("host").GetString() == Environment.MachineName)
            return workspace.FileSystem.Stat($"/proc/{progress.GetProperty("pid").GetInt32()}") is not null;
        var updated = DateTimeOffset.Parse(progress.GetProperty("updated").GetString()!, CultureInfo.InvariantCulture);
        return workspace.Clock.UtcNow - updated < RemoteSilence;
    }

    /// <summary>The progress as a table: per target, then open jobs, elapsed time and the estimate.</summary>
    public static string Format(JsonElement progress, DateTimeOffset now)
    {
        var text = new StringBuilder();
        var elapsed = TimeSpan.FromSeconds(progress.GetProperty("elapsed_s").GetDouble());
        var estimate = progress.GetProperty("estimate_left_s") is { ValueKind: JsonValueKind.Number } e ? $", about {Duration(TimeSpan.FromSeconds(e.GetDouble()))} left" : "";
        var state = progress.GetProperty("state").GetString() switch
        {
            "running" => "is running",
            "cancelled" => "was interrupted",
            var other => other,
        };
        text.Append(CultureInfo.InvariantCulture, $"Run {progress.GetProperty("run_id").GetInt64()} {state} ")
            .Append(CultureInfo.InvariantCulture, $"(pid {progress.GetProperty("pid").GetInt32()} on {progress.GetProperty("host").GetString()}, {progress.GetProperty("executor").GetString()}): ")
            .Append(CultureInfo.InvariantCulture, $"{Duration(elapsed)} elapsed{estimate}\n")
            .Append("  ").Append(progress.GetProperty("command").GetString()).Append('\n');
        string[] columns = ["up_to_date", "built", "running", "queued", "waiting", "failed"];
        var targets = progress.GetProperty("targets").EnumerateArray().ToList();
        var width = Math.Max(6, targets.Select(t => t.GetProperty("name").GetString()!.Length).DefaultIfEmpty(0).Max());
        text.Append("target".PadRight(width));
        foreach (var c in columns) text.Append("  ").Append(c.Replace('_', ' ').PadLeft(10));
        text.Append('\n');
        foreach (var t in targets)
        {
            text.Append(t.GetProperty("name").GetString()!.PadRight(width));
            if (t.TryGetProperty("unavailable", out var why)) { text.Append("  ").Append(why.GetString()).Append('\n'); continue; }
            foreach (var c in columns) text.Append("  ").Append(t.GetProperty(c).GetInt32().ToString(CultureInfo.InvariantCulture).PadLeft(10));
            if (!t.GetProperty("partitions_known").GetBoolean()) text.Append("  (partitions not discovered yet)");
            text.Append('\n');
        }
        text.Append(Interrupted(progress));
        var jobs = progress.GetProperty("open_jobs").EnumerateArray().Select(j => j.GetString()).ToList();
        if (jobs.Count > 0) text.Append(CultureInfo.InvariantCulture, $"Slurm jobs not finished ({jobs.Count}): {string.Join(", ", jobs.Take(20))}{(jobs.Count > 20 ? ", ..." : "")}\n");
        var updated = DateTimeOffset.Parse(progress.GetProperty("updated").GetString()!, CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"(as of {Math.Max(0, (now - updated).TotalSeconds):F0} s ago)\n");
        return text.ToString();
    }

    /// <summary>The newest run's progress file, whether its driver runs or ended, or null when there is none.</summary>
    public static JsonElement? Newest(Workspace workspace)
    {
        var newest = workspace.FileSystem.Glob($"{workspace.StateDirectory}/runs/*/{ProgressFile.FileName}")
            .Select(p => (Path: p, Run: long.TryParse(p.Split('/')[^2], CultureInfo.InvariantCulture, out var r) ? r : -1))
            .OrderByDescending(p => p.Run).FirstOrDefault();
        return newest.Path is null ? null : Read(workspace, newest.Path);
    }

    /// <summary>"Interrupted by the cluster (2):" and a line per node, e.g. "  Train[fold=1]: preempted 2x, resumed from checkpoint"; empty if none.</summary>
    public static string Interrupted(JsonElement progress)
    {
        // Progress files of drivers older than this field have none.
        if (!progress.TryGetProperty("interrupted", out var list) || list.GetArrayLength() == 0) return "";
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"Interrupted by the cluster ({list.GetArrayLength()}):\n");
        foreach (var n in list.EnumerateArray().Take(20))
            text.Append(CultureInfo.InvariantCulture, $"  {n.GetProperty("node").GetString()}: {n.GetProperty("said").GetString()}\n");
        if (list.GetArrayLength() > 20) text.Append("  ...\n");
        return text.ToString();
    }

    private static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes:D2} min" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes} min {t.Seconds:D2} s" : $"{t.TotalSeconds:F0} s";
}

using System.Diagnostics;
using System.Globalization;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>
/// Settings and figures of the fault suite (tests/faults/run.sh): DATABUILD_FAULTS_LONG=1 runs the long variants
/// (more kills, more fuzz cases); every test appends its counts to DATABUILD_FAULTS_FIGURES (a TSV) when that is set.
/// </summary>
public static class FaultSuite
{
    public static bool Long => Environment.GetEnvironmentVariable("DATABUILD_FAULTS_LONG") == "1";

    /// <summary>The seed of the random kill moments and fuzz cases: DATABUILD_FAULTS_SEED, or a fixed one so CI runs repeat.</summary>
    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("DATABUILD_FAULTS_SEED"), out var s) ? s : 22;

    private static readonly object Gate = new();

    /// <summary>Appends one row: fault, kills (or cases), lost, repeated, duplicates, a note.</summary>
    public static void Record(string fault, int kills, int lost, int repeated, int duplicates, string note = "")
    {
        if (Environment.GetEnvironmentVariable("DATABUILD_FAULTS_FIGURES") is not { Length: > 0 } path) return;
        lock (Gate)
            File.AppendAllText(path, string.Join('\t', fault, kills, lost, repeated, duplicates, note.Replace('\t', ' ').Replace('\n', ' ')) + "\n");
    }

    /// <summary>Runs a command to its end; returns exit code and stdout+stderr.</summary>
    public static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }

    /// <summary>
    /// Every run sacct recorded (--duplicates: a requeued task's earlier runs too) of the array tasks that ran in
    /// <paramref name="workDir"/> since <paramref name="since"/>, as (JobID, State); asked until two answers agree and at
    /// least <paramref name="completed"/> of them are COMPLETED (slurmdbd lags), or a minute has passed.
    /// </summary>
    public static IReadOnlyList<(string Task, string State)> SacctArrayTaskRuns(string workDir, DateTimeOffset since, int completed)
    {
        var start = since.ToLocalTime().AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        List<(string, string)>? previous = null;
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var (code, output) = Run("sacct", "--allocations", "--duplicates", "--starttime=" + start, "--parsable2", "--noheader", "--format=JobID,WorkDir,State");
            if (code != 0) throw new InvalidOperationException($"sacct failed: {output}");
            var runs = output.Split('\n').Select(l => l.Split('|')).Where(f => f.Length == 3 && f[1] == workDir && f[0].Contains('_'))
                .Select(f => (f[0], f[2].Split(' ')[0])).Order().ToList();
            if (previous is not null && previous.SequenceEqual(runs) && (runs.Count(r => r.Item2 == "COMPLETED") >= completed || attempt >= 30)) return runs;
            previous = runs;
            Thread.Sleep(1000);
        }
        return previous!;
    }

    /// <summary>
    /// Array tasks (JobID with "_") that sacct knows ran with <paramref name="workDir"/> as their working directory since
    /// <paramref name="since"/>: what counts submissions, from Slurm's side. Asked until two answers agree (slurmdbd lags).
    /// </summary>
    public static IReadOnlyList<string> SacctArrayTasks(string workDir, DateTimeOffset since, int expected)
    {
        var start = since.ToLocalTime().AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        List<string>? previous = null;
        // slurmdbd records jobs a little after they end: read until the count stops changing, waiting longer while it
        // is still short of what ran (more would be duplicates, which the caller counts).
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var (code, output) = Run("sacct", "--allocations", "--starttime=" + start, "--parsable2", "--noheader", "--format=JobID,WorkDir");
            if (code != 0) throw new InvalidOperationException($"sacct failed: {output}");
            var tasks = output.Split('\n').Select(l => l.Split('|')).Where(f => f.Length == 2 && f[1] == workDir && f[0].Contains('_'))
                .Select(f => f[0]).Order(StringComparer.Ordinal).ToList();
            if (previous is not null && previous.SequenceEqual(tasks) && (tasks.Count >= expected || attempt >= 30)) return tasks;
            previous = tasks;
            Thread.Sleep(1000);
        }
        return previous!;
    }
}

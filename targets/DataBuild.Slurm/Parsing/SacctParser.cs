using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>Reads sacct output in <see cref="SacctFormat"/>, merging step lines into their task.</summary>
public static class SacctParser
{
    private sealed record Line(SlurmTaskId Task, string? Step, AccountingRecord Record);

    /// <summary>
    /// One record per array task (or plain job). The job line ("123_4") gives state, exit code, elapsed
    /// and node; its steps ("123_4.batch", "123_4.extern", "123_4.0") give MaxRSS, which Slurm only
    /// measures per step. A pending range ("123_[5-9%2]") becomes one record per index.
    /// </summary>
    public static IReadOnlyList<AccountingRecord> Parse(string output)
    {
        var lines = new List<Line>();
        foreach (var raw in output.Split('\n'))
        {
            var text = raw.TrimEnd('\r');
            if (text.Trim().Length == 0)
                continue;
            try
            {
                lines.AddRange(ParseLine(text));
            }
            catch (FormatException e)
            {
                throw new FormatException($"sacct line '{text}': {e.Message}", e);
            }
        }
        return Merge(lines);
    }

    private static IEnumerable<Line> ParseLine(string text)
    {
        var f = text.Split('|');
        if (f.Length < SacctFormat.FieldCount)
            throw new FormatException($"{f.Length} fields, expected {SacctFormat.FieldCount} ({SacctFormat.Fields}).");
        var state = SlurmJobStates.Parse(f[2], out var by);
        var step = SlurmTaskId.StepOf(f[0]);
        var rawId = long.TryParse(f[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : (long?)null;
        var exit = SlurmExitCode.ParseSacct(f[3]);
        var elapsed = SlurmDuration.Parse(f[4]);
        var rss = SlurmMemory.ParseBytes(f[5]);
        var requested = SlurmMemory.ParseBytes(f[6], 'M');
        var limit = SlurmDuration.Parse(f[7]);
        var nodes = f[8].Trim() == "None assigned" ? "" : f[8].Trim();
        return SlurmTaskId.ParseMany(f[0]).Select(task => new Line(task, step,
            new AccountingRecord(task, rawId ?? task.JobId, state, by, exit, elapsed, rss, requested, limit, nodes,
                step == "batch" ? state : null, step == "batch" ? by : null)));
    }

    private static IReadOnlyList<AccountingRecord> Merge(List<Line> lines)
    {
        var order = new List<SlurmTaskId>();
        var jobs = new Dictionary<SlurmTaskId, AccountingRecord>();
        foreach (var job in lines.Where(l => l.Step is null))
        {
            // With requeues sacct may list a task twice; the last line is the latest run.
            if (!jobs.ContainsKey(job.Task))
                order.Add(job.Task);
            jobs[job.Task] = job.Record;
        }
        foreach (var step in lines.Where(l => l.Step is not null))
        {
            if (!jobs.TryGetValue(step.Task, out var job))
                continue; // a step whose job line was not printed: nothing to attach it to
            var merged = job with { MaxRssBytes = Max(job.MaxRssBytes, step.Record.MaxRssBytes) };
            jobs[step.Task] = step.Step == "batch"
                ? merged with { BatchState = step.Record.BatchState, BatchCancelledByUid = step.Record.BatchCancelledByUid }
                : merged;
        }
        return order.Select(t => jobs[t]).ToArray();
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}

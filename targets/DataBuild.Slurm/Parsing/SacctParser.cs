using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>Reads sacct output in <see cref="SacctFormat"/>, merging step lines into their task.</summary>
public static class SacctParser
{
    /// <summary>
    /// One record per array task (or plain job). The job line ("123_4") gives state, exit code, elapsed
    /// and node; its steps ("123_4.batch", "123_4.extern", "123_4.0") give MaxRSS, which Slurm only
    /// measures per step. A pending range ("123_[5-9%2]") becomes one record per index.
    /// </summary>
    public static IReadOnlyList<AccountingRecord> Parse(string output)
    {
        var order = new List<SlurmTaskId>();
        var jobs = new Dictionary<SlurmTaskId, AccountingRecord>();
        var steps = new List<(SlurmTaskId Task, string Step, SlurmJobState State, int? By, long? Rss)>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            var f = line.Split('|');
            if (f.Length < SacctFormat.FieldCount)
                throw new FormatException(
                    $"sacct line '{line}' has {f.Length} fields, expected {SacctFormat.FieldCount} ({SacctFormat.Fields}).");
            var state = SlurmJobStates.Parse(f[2], out var by);
            var rss = SlurmMemory.ParseBytes(f[5]);
            var step = SlurmTaskId.StepOf(f[0]);
            foreach (var task in SlurmTaskId.ParseMany(f[0]))
            {
                if (step is not null)
                {
                    steps.Add((task, step, state, by, rss));
                    continue;
                }
                var rawId = long.TryParse(f[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : task.JobId;
                var record = new AccountingRecord(task, rawId, state, by, SlurmExitCode.ParseSacct(f[3]),
                    SlurmDuration.Parse(f[4]), rss, SlurmMemory.ParseBytes(f[6], 'M'), SlurmDuration.Parse(f[7]),
                    NodeListOf(f[8]), null, null);
                // With requeues sacct may list a task twice; the last line is the latest run.
                if (!jobs.ContainsKey(task))
                    order.Add(task);
                jobs[task] = record;
            }
        }
        foreach (var s in steps)
        {
            if (!jobs.TryGetValue(s.Task, out var job))
                continue; // a step whose job line was not printed: nothing to attach it to
            var maxRss = Max(job.MaxRssBytes, s.Rss);
            jobs[s.Task] = s.Step == "batch"
                ? job with { MaxRssBytes = maxRss, BatchState = s.State, BatchCancelledByUid = s.By }
                : job with { MaxRssBytes = maxRss };
        }
        return order.Select(t => jobs[t]).ToArray();
    }

    private static string NodeListOf(string text)
    {
        var t = text.Trim();
        return t == "None assigned" ? "" : t;
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);
}

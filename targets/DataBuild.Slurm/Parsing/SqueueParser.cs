using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>Reads squeue output in <see cref="SqueueFormat"/>: one line per array task.</summary>
public static class SqueueParser
{
    /// <summary>
    /// Parses every line. A compressed pending record ("123_[4-10%2]", printed when --array was not honoured)
    /// becomes one entry per index. A line that cannot be read is an error naming the line: a silent skip
    /// would leave the driver waiting forever for a task it never sees.
    /// </summary>
    public static IReadOnlyList<QueueEntry> Parse(string output)
    {
        var entries = new List<QueueEntry>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            try
            {
                entries.AddRange(ParseLine(line));
            }
            catch (FormatException e)
            {
                throw new FormatException($"squeue line '{line}': {e.Message}", e);
            }
        }
        return entries;
    }

    private static IEnumerable<QueueEntry> ParseLine(string line)
    {
        var f = line.Split('|');
        if (f.Length < SqueueFormat.FieldCount)
            throw new FormatException($"{f.Length} fields, expected {SqueueFormat.FieldCount} ({SqueueFormat.Fields}).");
        var jobId = long.TryParse(f[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var j) ? j : 0;
        var state = SlurmJobStates.Parse(f[2]);
        // squeue prints 0 while a task runs; only a final state's exit code means anything.
        var exit = state.Classify().IsFinal() ? SlurmExitCode.ParseWaitStatus(f[3]) : null;
        var used = SlurmDuration.Parse(f[4]);
        var nodes = f[5].Trim();
        // Reason is last; should it ever contain the delimiter, keep it whole.
        var reason = string.Join('|', f[6..]).TrimEnd('|').Trim();
        return SlurmTaskId.ParseMany(f[0])
            .Select(task => new QueueEntry(task, jobId == 0 ? task.JobId : jobId, state, exit, used, nodes, reason))
            .ToArray();
    }
}

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
            var f = line.Split('|');
            if (f.Length < SqueueFormat.FieldCount)
                throw new FormatException(
                    $"squeue line '{line}' has {f.Length} fields, expected {SqueueFormat.FieldCount} ({SqueueFormat.Fields}).");
            var jobId = long.TryParse(f[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var j) ? j : 0;
            var state = SlurmJobStates.Parse(f[2]);
            var exit = SlurmExitCode.ParseWaitStatus(f[3]);
            var used = SlurmDuration.Parse(f[4]);
            var nodes = f[5].Trim();
            // Reason is last; should it ever contain the delimiter, keep it whole.
            var reason = string.Join('|', f[6..]).TrimEnd('|').Trim();
            foreach (var task in SlurmTaskId.ParseMany(f[0]))
                entries.Add(new QueueEntry(task, jobId == 0 ? task.JobId : jobId, state,
                    state.Classify().IsFinal() ? exit : null, used, nodes, reason));
        }
        return entries;
    }
}

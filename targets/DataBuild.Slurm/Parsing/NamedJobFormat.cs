using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>The squeue and sacct calls that look jobs up by name, and the parser of both ("jobid|name" lines).</summary>
public static class NamedJobFormat
{
    /// <summary>squeue: every state, one line per array (%F is the array's job id, %j the name).</summary>
    public static IReadOnlyList<string> SqueueArguments(IEnumerable<string> names) =>
        ["--name=" + string.Join(',', names), "--states=all", "--noheader", "--format=%F|%j"];

    /// <summary>sacct: jobs of these names started since <paramref name="since"/> (local time, as sacct reads it), allocations only.</summary>
    public static IReadOnlyList<string> SacctArguments(IEnumerable<string> names, DateTimeOffset since) =>
    [
        "--name=" + string.Join(',', names),
        "--starttime=" + since.ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        "--allocations", "--parsable2", "--noheader", "--format=JobID,JobName",
    ];

    /// <summary>"123|name", "123_4|name" or "123_[0-9]|name" lines; one entry per (name, job id).</summary>
    public static IReadOnlyList<NamedJob> Parse(string output)
    {
        var found = new List<NamedJob>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            var bar = line.IndexOf('|');
            if (bar <= 0) continue;
            var id = line[..bar];
            var end = id.IndexOfAny(['_', '.', '+']);
            if (end >= 0) id = id[..end];
            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var jobId)) continue;
            var job = new NamedJob(line[(bar + 1)..], jobId);
            if (!found.Contains(job)) found.Add(job);
        }
        return found;
    }
}

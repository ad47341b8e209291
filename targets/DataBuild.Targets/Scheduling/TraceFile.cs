using System.Globalization;
using System.Text;
using DataBuild.IO;

namespace DataBuild.Scheduling;

/// <summary>
/// The trace of a run, <c>.databuild/runs/&lt;run&gt;/trace.tsv</c>: one tab-separated row per task attempt (what ran,
/// where, when, why, what it asked for and what it used), appended as results arrive, for analysing runs in pandas or
/// a spreadsheet (<c>pd.read_csv(path, sep="\t")</c>).
/// </summary>
internal sealed class TraceFile(IFileSystem files, string path)
{
    /// <summary>The header: the columns of every row, in order.</summary>
    public static readonly string[] Columns =
    [
        "node", "target", "partition", "attempt", "executor", "host", "job_id", "status", "exit_code", "start", "end",
        "wall_s", "cpu_s", "peak_rss_mb", "cores", "memory_mb", "gpus", "walltime_s", "reason", "log", "message",
    ];

    private bool _started;

    /// <summary>The trace of run <paramref name="runId"/> under the state directory.</summary>
    public static TraceFile For(Workspace workspace, long runId) =>
        new(workspace.FileSystem, $"{workspace.StateDirectory}/runs/{runId.ToString(CultureInfo.InvariantCulture)}/trace.tsv");

    public string Path => path;

    /// <summary>Appends rows (one string per column); the first call writes the header too.</summary>
    public void Append(IReadOnlyList<string?[]> rows)
    {
        if (rows.Count == 0) return;
        var text = new StringBuilder();
        if (!_started)
        {
            files.CreateDirectory(path[..path.LastIndexOf('/')]);
            text.AppendJoin('\t', Columns).Append('\n');
            _started = true;
        }
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0) text.Append('\t');
                // A tab or a line break inside a field (a message) would shift the columns of a TSV reader.
                text.Append((row[i] ?? "").Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' '));
            }
            text.Append('\n');
        }
        using var stream = files.Append(path);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        stream.Write(bytes);
    }

    /// <summary>A number as the trace writes it: invariant, as short as round-trips, empty when unknown.</summary>
    public static string Number(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "";
}

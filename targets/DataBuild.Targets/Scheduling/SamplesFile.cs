using System.Globalization;
using System.IO.Compression;
using System.Text;
using DataBuild.Execution;
using DataBuild.IO;

namespace DataBuild.Scheduling;

/// <summary>
/// The resource samples of a run, <c>.databuild/runs/&lt;run&gt;/samples.tsv.gz</c>: one tab-separated row per sample of a
/// task attempt (seconds since it started, memory, CPU as cores used since the previous sample, bytes read and written
/// so far, threads, GPU, and whether the memory is the task's or the whole driver's, for a task run in-process),
/// gzip-compressed, one gzip member appended per batch of results (<c>pd.read_csv(path, sep="\t")</c> reads it whole). Node names repeat on every row and compress to almost nothing.
/// </summary>
internal sealed class SamplesFile(IFileSystem files, string path)
{
    public const string Name = "samples.tsv.gz";

    /// <summary>The header: the columns of every row, in order.</summary>
    public static readonly string[] Columns =
        ["node", "attempt", "t_s", "rss_mb", "cpu_cores", "read_mb", "write_mb", "threads", "gpu_percent", "gpu_memory_mb", "memory_of"];

    private bool _started;

    /// <summary>The samples file of run <paramref name="runId"/> under the state directory.</summary>
    public static SamplesFile For(Workspace workspace, long runId) =>
        new(workspace.FileSystem, $"{workspace.StateDirectory}/runs/{runId.ToString(CultureInfo.InvariantCulture)}/{Name}");

    public string Path => path;

    /// <summary>Appends the samples of these results; nothing when none has any.</summary>
    public void Append(IEnumerable<RunResult> results)
    {
        var text = new StringBuilder();
        foreach (var result in results)
        {
            ResourceSample? previous = null;
            foreach (var s in result.Samples)
            {
                // Over less than half a second, CPU time (counted in 10 ms ticks) says little about cores: left at 0.
                var dt = s.Seconds - (previous?.Seconds ?? 0);
                var cores = dt >= 0.5 ? Math.Max(0, s.CpuSeconds - (previous?.CpuSeconds ?? 0)) / dt : 0;
                text.Append(result.Node).Append('\t').Append(result.Attempt.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(Number(s.Seconds, "0.##")).Append('\t').Append(Number(s.RssKb / 1024.0, "0.#")).Append('\t')
                    .Append(Number(cores, "0.##")).Append('\t').Append(Number(s.ReadBytes / 1048576.0, "0.#")).Append('\t')
                    .Append(Number(s.WriteBytes / 1048576.0, "0.#")).Append('\t').Append(s.Threads.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(s.GpuPercent?.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(s.GpuMemoryMb?.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(s.DriverMemory ? "driver" : "task").Append('\n');
                previous = s;
            }
        }
        if (text.Length == 0) return;
        if (!_started)
        {
            files.CreateDirectory(path[..path.LastIndexOf('/')]);
            text.Insert(0, string.Join('\t', Columns) + "\n");
            _started = true;
        }
        using var stream = files.Append(path);
        using var gzip = new GZipStream(stream, CompressionLevel.Optimal);
        gzip.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

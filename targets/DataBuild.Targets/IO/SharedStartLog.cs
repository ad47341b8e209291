using System.Globalization;
using System.Text;

namespace DataBuild.IO;

/// <summary>
/// Starts taken against the named rate limits of a build by all of its processes, Slurm workers on any node among them.
/// The real one is <see cref="SharedStartLog"/>; tests also use InMemoryStartGate (tests/DataBuild.Testing).
/// </summary>
public interface IStartGate
{
    /// <summary>
    /// Takes one start of <paramref name="name"/> at <paramref name="now"/> when fewer than <paramref name="count"/> were
    /// taken in the <paramref name="per"/> before it, and returns null; otherwise takes nothing and returns when the next is free.
    /// </summary>
    DateTimeOffset? TryTake(string name, int count, TimeSpan per, DateTimeOffset now);
}

/// <summary>The sliding window of one limit, shared by every <see cref="IStartGate"/>: which starts still count, and when the next is free.</summary>
public static class StartWindow
{
    /// <summary>Adds <paramref name="now"/> to <paramref name="starts"/> (pruned to the window) and returns null, or returns when the next start is free.</summary>
    public static DateTimeOffset? TryTake(List<DateTimeOffset> starts, int count, TimeSpan per, DateTimeOffset now)
    {
        // A start stamped ahead of now (another node's clock runs fast) still counts until it leaves the window.
        starts.RemoveAll(t => now - t >= per);
        starts.Sort();
        if (starts.Count >= count) return starts[starts.Count - count] + per;
        starts.Add(now);
        return null;
    }
}

/// <summary>
/// One file per limit under a directory of the workspace (on the cluster's shared filesystem), holding the start times
/// of the last window, read and rewritten under an exclusive flock: the limit holds for the whole build, not per worker.
/// </summary>
public sealed class SharedStartLog(string directory) : IStartGate
{
    /// <summary>How long a take waits for another process's hold on the file before it gives up.</summary>
    public static readonly TimeSpan LockPatience = TimeSpan.FromMinutes(2);

    public DateTimeOffset? TryTake(string name, int count, TimeSpan per, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName(name));
        using var file = OpenLocked(path);
        var starts = new List<DateTimeOffset>();
        using (var reader = new StreamReader(file, Encoding.UTF8, false, 4096, leaveOpen: true))
            while (reader.ReadLine() is { } line)
                if (long.TryParse(line, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)) starts.Add(DateTimeOffset.FromUnixTimeMilliseconds(ms));
        if (StartWindow.TryTake(starts, count, per, now) is { } free) return free;
        file.SetLength(0);
        file.Position = 0;
        using var writer = new StreamWriter(file, new UTF8Encoding(false), 4096, leaveOpen: true);
        foreach (var t in starts) writer.Write(string.Create(CultureInfo.InvariantCulture, $"{t.ToUnixTimeMilliseconds()}\n"));
        writer.Flush();
        file.Flush(flushToDisk: true);
        return null;
    }

    /// <summary>The file of limit <paramref name="name"/>: its letters, digits, '.', '_' and '-' kept, any other byte as %XX.</summary>
    public static string FileName(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name)
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') text.Append(c);
            else foreach (var b in Encoding.UTF8.GetBytes(c.ToString())) text.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
        return text.Append(".starts").ToString();
    }

    // FileShare.None takes an exclusive flock on Unix and fails at once when another process (or another open in this one) holds it.
    private static FileStream OpenLocked(string path)
    {
        var deadline = DateTime.UtcNow + LockPatience;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(Random.Shared.Next(2, 12));
            }
            catch (IOException e)
            {
                throw new IOException($"The rate limit file {path} stayed locked for {LockPatience.TotalSeconds:F0} s: is a process stuck holding it, " +
                    "or does this filesystem not support flock (Lustre needs the 'flock' mount option)?", e);
            }
        }
    }
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace DataBuild.IO;

/// <summary>
/// Reads what a process and all its descendants use from /proc (Linux): the tree is followed through
/// <c>/proc/&lt;pid&gt;/task/&lt;tid&gt;/children</c>, so a shell's children and their children count, without scanning
/// every process of the machine.
/// </summary>
internal static partial class ProcessTree
{
    private static readonly long PageKb = Environment.SystemPageSize / 1024;
    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>The tree's usage now, with the pids it found; null when the root is gone.</summary>
    public static (ResourceSample Sample, List<int> Pids)? Read(int root, double seconds)
    {
        long rssKb = 0, read = 0, written = 0;
        double cpu = 0;
        var threads = 0;
        var pids = new List<int>();
        var pending = new Stack<int>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (!TryReadStat(pid, out var stat)) continue;
            pids.Add(pid);
            rssKb += stat.RssPages * PageKb;
            // Reaped children's time (cutime, cstime) counts so the tree's CPU never drops when a child exits.
            cpu += stat.Ticks / TicksPerSecond;
            threads += stat.Threads;
            var (r, w) = ReadIo(pid, $"/proc/{pid}/io");
            read += r;
            written += w;
            foreach (var child in Children(pid)) pending.Push(child);
        }
        return pids.Count == 0 ? null : (new ResourceSample(seconds, rssKb, cpu, read, written, threads), pids);
    }

    /// <summary>One thread of this process (an in-process task): its CPU and bytes, the whole process's memory; null when it is gone.</summary>
    public static ResourceSample? ReadThread(int tid, double seconds)
    {
        var self = Environment.ProcessId;
        if (!TryReadStat(self, out var process)) return null;
        string text;
        try { text = File.ReadAllText($"/proc/{self}/task/{tid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        var close = text.LastIndexOf(')');
        var f = text[(close + 2)..].Split(' ');
        if (f.Length < 22) return null;
        var (read, written) = ReadIo(self, $"/proc/{self}/task/{tid}/io");
        return new ResourceSample(seconds, process.RssPages * PageKb, (Long(f[11]) + Long(f[12])) / TicksPerSecond, read, written, 1) { DriverMemory = true };
    }

    private readonly record struct Stat(long RssPages, long Ticks, int Threads);

    private static bool TryReadStat(int pid, out Stat stat)
    {
        stat = default;
        string text;
        try { text = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
        // The command name (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0) return false;
        var f = text[(close + 2)..].Split(' ');
        // f[0] is field 3 (state); utime..cstime are fields 14-17, num_threads 20, rss 24.
        if (f.Length < 22 || f[0] == "Z") return false;
        stat = new Stat(Long(f[21]), Long(f[11]) + Long(f[12]) + Long(f[13]) + Long(f[14]), (int)Long(f[17]));
        return true;
    }

    private static (long Read, long Written) ReadIo(int pid, string path)
    {
        long read = 0, written = 0;
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith("rchar:", StringComparison.Ordinal)) read = Long(line.AsSpan(6).Trim());
                else if (line.StartsWith("wchar:", StringComparison.Ordinal)) written = Long(line.AsSpan(6).Trim());
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return (read, written);
    }

    private static IEnumerable<int> Children(int pid)
    {
        string[] tasks;
        try { tasks = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        foreach (var task in tasks)
        {
            string text;
            try { text = File.ReadAllText($"{task}/children"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (var child in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(child, NumberStyles.None, CultureInfo.InvariantCulture, out var c)) yield return c;
        }
    }

    private static long Long(ReadOnlySpan<char> text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static double ClockTicks()
    {
        if (!OperatingSystem.IsLinux()) return 100;
        var ticks = sysconf(2 /* _SC_CLK_TCK */);
        return ticks > 0 ? ticks : 100;
    }

    [LibraryImport("libc")] private static partial long sysconf(int name);
}

using System.Runtime.InteropServices;
using DataBuild.Hashing;
using DataBuild.IO;

namespace DataBuild.UpToDate;

/// <summary>The program a snapshot was made by: a different program may decide differently, so its snapshots do not hold.</summary>
internal static class ProgramStamp
{
    private static string? _current;

    /// <summary>
    /// <see cref="Compute"/> as this process first found it: the check of a snapshot and the snapshot saved after
    /// the build both name the program that was loaded (and decided), not whatever is on disk when the build ends.
    /// </summary>
    public static string Current => _current ??= Compute().ToString();

    /// <summary>The program that decides: the files next to it (its code and the pipeline's) and the runtime.</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "A native program has no runtime apart from its executable, which is one of the files next to it.")]
    private static Hash128 Compute()
    {
        var builder = new HashBuilder().Add(RuntimeInformation.FrameworkDescription).Add(RuntimeInformation.RuntimeIdentifier);
        var disk = new RealFileSystem("/");
        var paths = RealFileSystem.Names(AppContext.BaseDirectory);
        for (var i = 0; i < paths.Count; i++) paths[i] = AppContext.BaseDirectory + paths[i];
        paths.Sort(Ordinal); // not StringComparer.Ordinal: its vector compare is compiled at run time
        paths.Add(AppContext.BaseDirectory);
        if (typeof(object).Assembly.Location is { Length: > 0 } runtime) paths.Add(runtime);
        foreach (var file in paths)
        {
            var stat = disk.Stat(file) ?? default;
            builder.Add(file).Add(stat.Size).Add(stat.MtimeNs).Add(stat.CtimeNs).Add(stat.Inode);
        }
        return builder.BuildDigest();
    }

    private static int Ordinal(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
            if (a[i] != b[i]) return a[i] - b[i];
        return a.Length - b.Length;
    }
}

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>Small filesystems the fault tests make and remove: they run as root (CI does); without that they fail, saying so.</summary>
public sealed class Mount : IDisposable
{
    public string Path { get; }

    private Mount(string path) => Path = path;

    /// <summary>A tmpfs of <paramref name="megabytes"/> MB at a new directory <paramref name="path"/>.</summary>
    public static Mount Tmpfs(string path, int megabytes)
    {
        Directory.CreateDirectory(path);
        Require(FaultSuite.Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path), $"a {megabytes} MB tmpfs at {path}");
        return new Mount(path);
    }

    /// <summary><paramref name="path"/> mounted over itself read-only: even root cannot write there.</summary>
    public static Mount ReadOnly(string path)
    {
        Require(FaultSuite.Run("mount", "--bind", path, path), $"a bind mount of {path}");
        var mount = new Mount(path);
        var remount = FaultSuite.Run("mount", "-o", "remount,ro,bind", path);
        if (remount.ExitCode != 0) { mount.Dispose(); Require(remount, $"a read-only remount of {path}"); }
        return mount;
    }

    private static void Require((int ExitCode, string Output) result, string what)
    {
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"The fault suite needs {what} and could not make it (run the tests as root, with mount allowed): {result.Output.Trim()}");
    }

    public void Dispose() => FaultSuite.Run("umount", "-l", Path);
}

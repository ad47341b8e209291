using System.ComponentModel;
using System.Diagnostics;

namespace DataBuild.IO;

/// <summary>
/// Starts a process that outlives this one and its terminal (<c>--detach</c>): a session of its own, stdin from
/// /dev/null, stdout and stderr appended to a log. The real one is <see cref="SetsidLauncher"/>.
/// </summary>
public interface IBackgroundLauncher
{
    /// <summary>Starts <paramref name="argv"/> detached and returns its pid.</summary>
    int Start(IReadOnlyList<string> argv, string workingDirectory, string logPath);
}

public sealed class SetsidLauncher : IBackgroundLauncher
{
    public static readonly SetsidLauncher Instance = new();

    // A constant script, the log and argv as its arguments: nothing is built into a shell string. exec keeps the pid:
    // setsid(1) runs the program in place when, as here, its caller leads no process group.
    private const string Script = "log=$1; shift; exec setsid \"$@\" < /dev/null >> \"$log\" 2>&1";

    public int Start(IReadOnlyList<string> argv, string workingDirectory, string logPath)
    {
        var info = new ProcessStartInfo("sh") { WorkingDirectory = workingDirectory, UseShellExecute = false };
        foreach (var a in (string[])["-c", Script, "sh", logPath, .. argv]) info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info) ?? throw new ProcessStartException("sh did not start.");
            return process.Id;
        }
        catch (Win32Exception e)
        {
            throw new ProcessStartException($"Cannot start the detached driver ({e.Message}).");
        }
    }
}

using System.Globalization;
using DataBuild.Model;
using DataBuild.IO;

namespace DataBuild.Cli;

/// <summary>
/// <c>--detach</c> on a local build: the same command, without <c>--detach</c>, started again in a session of its own
/// with its output in <c>.databuild/detached/&lt;time&gt;-&lt;pid&gt;.log</c>, so that it outlives the login shell.
/// </summary>
internal static class Detach
{
    /// <summary>The command line of the detached driver: the same arguments without <c>--detach</c>.</summary>
    public static List<string> ArgumentsOfDriver(IReadOnlyList<string> arguments) =>
        arguments.Where(a => a != "--detach").ToList();

    public static int Start(IBackgroundLauncher launcher, Workspace workspace, IReadOnlyList<string> arguments, TextWriter o)
    {
        var program = Environment.ProcessPath ?? throw new UsageException("--detach cannot find this program's path; run the build in the background with nohup instead.");
        var log = $"{workspace.StateDirectory}/detached/{workspace.Clock.UtcNow.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{Environment.ProcessId}.log";
        workspace.FileSystem.CreateDirectory(log[..log.LastIndexOf('/')]);
        var pid = launcher.Start([program, .. ArgumentsOfDriver(arguments)], workspace.FileSystem.FullPath("."), workspace.FileSystem.FullPath(log));
        o.WriteLine($"Detached: the driver runs as pid {pid}, its output goes to {workspace.FileSystem.FullPath(log)}.");
        o.WriteLine($"Watch it with: ./build.sh status --watch (in {workspace.FileSystem.FullPath(".")}), or tail -f {workspace.FileSystem.FullPath(log)}");
        return DataBuildHost.Ok;
    }
}

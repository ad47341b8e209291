using DataBuild.Cli;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Cli;

/// <summary>--detach: the same command again, without --detach, in the background, with a log under .databuild/detached/.</summary>
public sealed class DetachTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public void The_detached_driver_runs_the_same_arguments_without_detach_and_its_pid_log_and_how_to_watch_are_printed()
    {
        var launcher = new FakeBackgroundLauncher();
        var printed = new StringWriter();

        var code = Detach.Start(launcher, _ws.Workspace, ["Predictions", "--detach", "--fields", "296", "--notify", "mail.sh me"], printed);

        Assert.Equal(0, code);
        var (argv, directory, log) = Assert.Single(launcher.Started);
        Assert.Equal(Environment.ProcessPath, argv[0]);
        Assert.Equal(["Predictions", "--fields", "296", "--notify", "mail.sh me"], argv.Skip(1));
        Assert.Equal(_ws.Files.FullPath("."), directory);
        Assert.Equal(_ws.Files.FullPath($".databuild/detached/20250101-000000-{Environment.ProcessId}.log"), log);
        Assert.Equal($"Detached: the driver runs as pid 4242, its output goes to {log}.\n" +
            $"Watch it with: ./build.sh status --watch (in {directory}), or tail -f {log}\n", printed.ToString());
    }
}

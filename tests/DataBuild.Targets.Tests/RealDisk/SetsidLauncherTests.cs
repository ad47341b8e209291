using DataBuild.IO;

namespace DataBuild.Targets.Tests.RealDisk;

/// <summary>The real detached start: a session of its own, stdin from /dev/null, output appended to the log.</summary>
public sealed class SetsidLauncherTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_process_leads_a_session_of_its_own_reads_dev_null_and_writes_to_the_log_and_its_pid_is_returned()
    {
        File.WriteAllText(_dir.File("driver.log"), "earlier run\n");

        var pid = SetsidLauncher.Instance.Start(
            ["sh", "-c", "cat; echo \"pid=$$ session=$(cut -d' ' -f6 /proc/$$/stat) arg=$1\"; echo to-stderr >&2", "sh", "a b;$HOME"],
            _dir.Path, _dir.File("driver.log"));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.ReadAllText(_dir.File("driver.log")).Contains("to-stderr", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal($"earlier run\npid={pid} session={pid} arg=a b;$HOME\nto-stderr\n", File.ReadAllText(_dir.File("driver.log")));
    }
}

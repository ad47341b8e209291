using System.Diagnostics;
using DataBuild.State;

namespace DataBuild.Targets.Tests.RealDisk;

public sealed class BuildLockTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_second_driver_is_refused_with_the_holder_named()
    {
        using var first = BuildLock.Acquire(_dir.Path);

        var error = Assert.Throws<LockedException>(() => BuildLock.Acquire(_dir.Path));

        Assert.StartsWith($"Another DataBuild driver is using {_dir.Path} (pid {Environment.ProcessId} on {Environment.MachineName} since", error.Message);
    }

    [Fact]
    public void A_released_lock_can_be_taken_again()
    {
        BuildLock.Acquire(_dir.Path).Dispose();

        using var again = BuildLock.Acquire(_dir.Path);
    }

    [Fact]
    public async Task A_lock_held_by_a_process_that_was_killed_is_taken_over()
    {
        var lockFile = _dir.File("lock");
        File.WriteAllText(lockFile, "");
        // flock(1) takes LOCK_EX like .NET's FileShare.None; -o keeps the lock in flock itself, not in its child, so
        // the lock is free as soon as the flock process is gone.
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-n", "-o", lockFile, "sh", "-c", "echo locked; exec sleep 300"])
            { RedirectStandardOutput = true })!;
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync());
        Assert.Throws<LockedException>(() => BuildLock.Acquire(_dir.Path));

        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();

        using var taken = BuildLock.Acquire(_dir.Path);
    }
}

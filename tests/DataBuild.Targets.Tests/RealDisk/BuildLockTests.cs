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

    [Fact]
    public async Task Waiting_for_the_lock_says_once_who_holds_it_and_takes_it_when_the_holder_ends()
    {
        var lockFile = _dir.File("lock");
        File.WriteAllText(lockFile, "");
        using var holder = Process.Start(new ProcessStartInfo("flock", ["-n", "-o", lockFile, "sh", "-c", "echo locked; exec sleep 300"])
            { RedirectStandardOutput = true })!;
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync());
        var told = new List<string>();
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var waiting = Task.Run(() => BuildLock.AcquireWaiting(_dir.Path, m => { lock (told) told.Add(m); heard.TrySetResult(); }, TimeSpan.FromMilliseconds(50)));
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(300); // several more tries while the holder lives
        Assert.False(waiting.IsCompleted);
        holder.Kill(entireProcessTree: true);
        await holder.WaitForExitAsync();
        using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        var message = Assert.Single(told);
        Assert.StartsWith($"Another DataBuild driver is using {_dir.Path} (", message);
        Assert.EndsWith("Waiting for it to finish (--wait-for-lock).", message);
    }
}

using System.Diagnostics;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>A full disk under the outputs and the state, a state database another process locks, and one on a read-only filesystem.</summary>
public sealed class DiskAndStateFaultTests
{
    private const int Quads = 300;

    private static string Expected(int q) => $"quad {q}\n";

    private static void WriteRaw(string ws)
    {
        Directory.CreateDirectory(Path.Combine(ws, "raw"));
        for (var q = 0; q < Quads; q++) File.WriteAllText(Path.Combine(ws, "raw", $"q{q}"), Expected(q));
    }

    private static string[] Args => ["FanoutAll", "--fanout-quads", Quads.ToString(), "-j", "2"];

    private static int Lost(string ws) =>
        Enumerable.Range(0, Quads).Count(q => !File.Exists(Path.Combine(ws, "features", $"q{q}")) || File.ReadAllText(Path.Combine(ws, "features", $"q{q}")) != Expected(q))
        + (File.Exists(Path.Combine(ws, "all.txt")) && File.ReadAllText(Path.Combine(ws, "all.txt")) == string.Concat(Enumerable.Range(0, Quads).Select(Expected)) ? 0 : 1);

    [Fact]
    public async Task A_filesystem_that_fills_mid_build_fails_it_naming_the_path_and_the_rerun_after_freeing_space_completes_with_nothing_lost()
    {
        using var root = new TempDirectory();
        using var fs = Mount.Tmpfs(root.File("fs"), 8);
        var ws = Path.Combine(fs.Path, "ws");
        WriteRaw(ws);
        await Driver.RunAsync(ws, "--help"); // compiled before the disk fills
        // Leave room for the state and a part of the outputs only (each small file takes a 4 KB page of tmpfs).
        var filler = Path.Combine(fs.Path, "filler");
        var free = new DriveInfo(fs.Path).AvailableFreeSpace;
        using (var f = File.Create(filler)) f.SetLength(0);
        await File.WriteAllBytesAsync(filler, new byte[Math.Max(0, free - 900 * 1024)]);

        var full = await Driver.RunAsync(ws, Args);
        File.Delete(filler);
        var rerun = await Driver.RunAsync(ws, Args);
        var again = await Driver.RunAsync(ws, Args);

        var said = full.Output + "\n" + full.Stderr;
        Assert.True(full.ExitCode == 1, $"exit {full.ExitCode}:\n{said}");
        Assert.True(said.Contains("No space left on device", StringComparison.Ordinal) || said.Contains("disk is full", StringComparison.Ordinal), said);
        Assert.Contains(ws, said);
        Assert.DoesNotContain("   at ", full.Stderr);
        Assert.DoesNotContain("Exception: ", full.Stderr);
        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Stderr);
        var lost = Lost(ws);
        FaultSuite.Record("disk full mid-build (8 MB tmpfs)", 1, lost, 0, 0, $"first run built {full.Built.Count} of {Quads + 6} before the disk filled");
        Assert.Equal(0, lost);
        Assert.Contains("Nothing to do", again.Output);
    }

    [Fact]
    public async Task A_state_database_locked_by_another_process_fails_the_build_with_a_message_naming_it()
    {
        using var root = new TempDirectory();
        var ws = root.Path;
        WriteRaw(ws);
        var first = await Driver.RunAsync(ws, Args);
        Assert.Equal(0, first.ExitCode);
        File.WriteAllText(Path.Combine(ws, "raw", "q0"), "changed\n");
        var state = Path.Combine(ws, ".databuild", "state.db");
        using var holder = Process.Start(new ProcessStartInfo("sqlite3", [state]) { RedirectStandardInput = true, RedirectStandardOutput = true })!;
        await holder.StandardInput.WriteLineAsync("BEGIN EXCLUSIVE; SELECT 'locked';");
        await holder.StandardInput.FlushAsync();
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync());

        var run = await Driver.RunAsync(ws, Args);
        holder.StandardInput.Close();
        await holder.WaitForExitAsync();
        var after = await Driver.RunAsync(ws, Args);

        var lost = File.ReadAllText(Path.Combine(ws, "features", "q0")) == "changed\n" ? 0 : 1;
        FaultSuite.Record("state database locked by another process", 1, lost, 0, 0, $"exit {run.ExitCode}: {run.Stderr.Trim()}; the rerun after: exit {after.ExitCode}");
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}:\n{run.Output}\n{run.Stderr}");
        Assert.Contains(state, run.Stderr);
        Assert.Contains("locked", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.DoesNotContain("Exception: ", run.Stderr);
        Assert.True(after.ExitCode == 0, after.Output + after.Stderr);
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(ws, "features", "q0")));
    }

    [Fact]
    public async Task A_state_directory_on_a_read_only_filesystem_fails_the_build_with_a_message_naming_it()
    {
        using var root = new TempDirectory();
        var ws = root.Path;
        WriteRaw(ws);
        Assert.Equal(0, (await Driver.RunAsync(ws, Args)).ExitCode);
        File.WriteAllText(Path.Combine(ws, "raw", "q0"), "changed\n");
        var stateDir = Path.Combine(ws, ".databuild");

        DriverResult run;
        using (Mount.ReadOnly(stateDir))
            run = await Driver.RunAsync(ws, Args);
        var after = await Driver.RunAsync(ws, Args);

        FaultSuite.Record("state directory read-only", 1, after.ExitCode == 0 ? 0 : 1, 0, 0, $"exit {run.ExitCode}: {run.Stderr.Trim()}; the rerun after: exit {after.ExitCode}");
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}:\n{run.Output}\n{run.Stderr}");
        Assert.Contains(stateDir, run.Stderr);
        Assert.Contains("read-only", run.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.True(after.ExitCode == 0, after.Output + after.Stderr);
    }
}

using System.Diagnostics;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>
/// SlurmDemo's task processes of one workspace, found in /proc by their argv (perl -e SCRIPT OUT TASK SIDELOG ...): the
/// side log is the workspace's own, so a test never touches another test's (or another engineer's) processes.
/// </summary>
public static class TaskProcesses
{
    private sealed record TaskProcess(int Pid, int Task, string Output);

    private static List<TaskProcess> Of(PipelineWorkspace ws)
    {
        var sideLog = ws.File("executions.log");
        var found = new List<TaskProcess>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string[] argv;
            try { argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0'); }
            catch (IOException) { continue; } // it ended meanwhile
            catch (UnauthorizedAccessException) { continue; }
            var at = Array.IndexOf(argv, sideLog);
            if (argv is not [var program, "-e", ..] || Path.GetFileName(program) != "perl" || at < 4 || !int.TryParse(argv[at - 1], out var task)) continue;
            found.Add(new TaskProcess(pid, task, Path.GetFullPath(argv[at - 2], ws.Path)));
        }
        return found;
    }

    /// <summary>Waits until <paramref name="task"/>'s process has part of its output written (in staging); returns its pid and that file.</summary>
    public static async Task<(int Pid, string Staged)> WaitUntilWritingAsync(PipelineWorkspace ws, int task)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(180))
        {
            if (Of(ws).FirstOrDefault(p => p.Task == task) is { } p && File.Exists(p.Output) && new FileInfo(p.Output).Length > 0)
                return (p.Pid, p.Output);
            await Task.Delay(50);
        }
        throw new TimeoutException($"SlurmDemo task {task} did not start writing its output within 180 s in {ws.Path}");
    }

    public static void Kill(int pid)
    {
        var (code, output) = FaultSuite.Run("kill", "-KILL", pid.ToString());
        if (code != 0) throw new InvalidOperationException($"kill -KILL {pid} failed: {output}");
    }

    /// <summary>Waits until no SlurmDemo task of this workspace runs (orphans of a killed driver end on their own).</summary>
    public static async Task WaitUntilNoneAsync(PipelineWorkspace ws)
    {
        var deadline = Stopwatch.StartNew();
        while (Of(ws).Count > 0)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(180)) throw new TimeoutException($"SlurmDemo tasks in {ws.Path} still run after 180 s");
            await Task.Delay(100);
        }
    }
}

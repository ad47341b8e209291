using System.ComponentModel;
using System.Diagnostics;

namespace DataBuild.IO;

/// <summary>How a hook command ended: its exit code (-1 when killed at its time limit) and what it printed.</summary>
public sealed record HookOutcome(int ExitCode, string Output, bool TimedOut);

/// <summary>
/// Runs a user's hook command (a notify command) with text on its stdin: argv, never a shell string, and a time
/// limit, so that a hanging mail server never holds a build's exit. The real one is <see cref="ProcessHookRunner"/>.
/// </summary>
public interface IHookRunner
{
    HookOutcome Run(IReadOnlyList<string> argv, string workingDirectory, string standardInput, TimeSpan timeout);
}

public sealed class ProcessHookRunner : IHookRunner
{
    public static readonly ProcessHookRunner Instance = new();

    public HookOutcome Run(IReadOnlyList<string> argv, string workingDirectory, string standardInput, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(argv[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1)) info.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new ProcessStartException($"{argv[0]} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new ProcessStartException($"{argv[0]} cannot be started ({e.Message}).");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.Write(standardInput);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The command exited without reading its stdin (a webhook that posts a fixed text): not an error.
            }
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new HookOutcome(-1, stdout.Result + stderr.Result, TimedOut: true);
            }
            return new HookOutcome(process.ExitCode, stdout.Result + stderr.Result, TimedOut: false);
        }
    }
}

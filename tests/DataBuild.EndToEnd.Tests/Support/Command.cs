using System.Diagnostics;

namespace DataBuild.EndToEnd.Tests;

/// <summary>Runs a program to its end, as a user's shell would, for tests of build.sh itself (compiling, setting up).</summary>
public static class Command
{
    /// <summary>
    /// Runs <paramref name="program"/> in <paramref name="directory"/> with <paramref name="environment"/> added (and the
    /// caller's DATABUILD_COMPILE removed: the mode is the test's); its exit code and stdout+stderr. Killed, with its
    /// children, past <paramref name="limit"/>.
    /// </summary>
    public static (int Code, string Output) Run(string directory, string program, IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> environment, TimeSpan limit)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("DATABUILD_COMPILE");
        foreach (var (name, value) in environment) info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {limit.TotalMinutes} minutes.");
        }
        return (process.ExitCode, stdout + stderr.Result);
    }
}

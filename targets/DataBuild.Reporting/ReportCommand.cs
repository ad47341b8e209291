using System.Globalization;
using DataBuild.Cli;
using DataBuild.Model;

namespace DataBuild.Reporting;

/// <summary><c>./build.sh report [--run N | --last] [-o report.html]</c>: the HTML report of a run (by default and with --last, the latest that ran a task).</summary>
public static class ReportCommand
{
    public const string DefaultOutput = "report.html";

    /// <summary>Runs the command; a pipeline program adds it as a <see cref="HostCommand"/> named <c>report</c> (build/Program.cs).</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        if (line.Positional.Count > 0) throw new UsageException($"report takes no targets (got '{line.Positional[0]}'). Usage: ./build.sh report [--run N | --last] [-o report.html]");
        long? runId = null;
        if (line.Value("run") is { } text)
        {
            if (line.Has("last")) throw new UsageException("Give --run N or --last, not both.");
            runId = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
                : throw new UsageException($"--run needs a run number (as in .databuild/runs/<N>), got '{text}'.");
        }
        var path = line.Value("output") ?? DefaultOutput;
        var data = RunData.Load(Directory.GetCurrentDirectory(), line.Value("state-dir") ?? ".databuild", runId);
        var html = HtmlReport.Write(data);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, html);
        output.WriteLine($"Wrote {path}: run {data.Run.Id} ({data.Run.Status}), {data.Attempts.Count} task attempts, {html.Length / 1024} KB.");
        return DataBuildHost.Ok;
    }
}

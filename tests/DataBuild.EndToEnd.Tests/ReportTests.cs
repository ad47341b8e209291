using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>
/// The "done when": <c>./build.sh Predictions --fields 296 &amp;&amp; ./build.sh report</c> writes a report that
/// headless Chromium opens without errors, with every section and its plots drawn.
/// </summary>
public sealed class ReportTests
{
    [Fact]
    public async Task The_report_of_the_ztf_pipelines_run_opens_in_a_browser_with_every_section_and_plot_drawn()
    {
        var chromium = HeadlessChromium.Find();
        using var ws = new PipelineWorkspace();
        Assert.Equal(0, (await ws.Build("Predictions", "--fields", "296")).ExitCode);

        var report = await ws.Build("report", "--last", "-o", "report.html");

        Assert.Equal(0, report.ExitCode);
        Assert.Contains("Wrote report.html: run 1 (succeeded)", report.Output);
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "report-screenshots")).FullName;
        var page = chromium.Open(ws.File("report.html"), Path.Combine(screenshots, "ztf-predictions-296.png"));
        Assert.Empty(page.Errors);
        foreach (var id in new[] { "run", "built", "failed", "timeline", "memory", "resources", "slurm" })
            Assert.Contains($"<section id=\"{id}\">", page.Dom);
        Assert.Contains("./build.sh Predictions --fields 296", page.Dom);
        var series = HeadlessChromium.PlotSeries(page.Dom);
        // The timeline has one series per target that ran; every plot drew at least one series.
        var targets = System.Text.RegularExpressions.Regex.Matches(page.Dom, "<tr><td>([A-Za-z]+)</td><td>\\d+</td><td>\\d+</td><td>\\d+</td>").Count;
        Assert.True(targets >= 4, $"{targets} targets in the requested-and-used table");
        Assert.Equal(targets, series[0]);
        Assert.All(series, n => Assert.True(n > 0, string.Join(", ", series)));
    }

    [Fact]
    public async Task Asking_for_a_run_that_does_not_exist_is_a_usage_error_that_names_the_latest()
    {
        using var ws = new PipelineWorkspace();
        Assert.Equal(0, (await ws.Build("Fixtures", "--fields", "296")).ExitCode);

        var report = await ws.Build("report", "--run", "99");

        Assert.Equal(2, report.ExitCode);
        Assert.Contains("There is no run 99 in .databuild/state.db (the latest is 1); use --last for the latest.", report.Stderr);
    }
}

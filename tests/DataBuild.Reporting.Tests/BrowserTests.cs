using DataBuild.Reporting;
using Xunit.Abstractions;

namespace DataBuild.Reporting.Tests;

/// <summary>The report opened in a real browser (headless Chromium): it must run without errors and draw every plot.</summary>
public sealed class BrowserTests(ITestOutputHelper output)
{
    /// <summary>Where screenshots go: kept after the test, under the test's output directory (a CI artifact).</summary>
    public static string ArtifactDirectory => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "report-screenshots")).FullName;

    [Fact]
    public void The_report_of_a_slurm_run_with_a_failure_opens_without_errors_and_draws_every_series()
    {
        var chromium = HeadlessChromium.Find();
        using var dir = new TempDirectory();
        var html = dir.File("report.html");
        File.WriteAllText(html, HtmlReport.Write(SampleRuns.ThreeTargets()));

        var page = chromium.Open(html, Path.Combine(ArtifactDirectory, "three-targets.png"));
        output.WriteLine($"screenshot: {page.Screenshot}");

        Assert.Empty(page.Errors);
        foreach (var id in HtmlReport.Sections) Assert.Contains($"<section id=\"{id}\">", page.Dom);
        // Timeline: 3 targets; memory (targets in order): Features 4 attempts, Raw 2 tasks; requested vs used: 2; CPU efficiency: 1.
        Assert.Equal([3, 4, 2, 2, 1], HeadlessChromium.PlotSeries(page.Dom));
        Assert.True(new FileInfo(page.Screenshot).Length > 20_000, "a screenshot of a drawn page is not tiny");
    }

    [Fact]
    public void A_page_whose_script_fails_is_reported_with_its_error()
    {
        var chromium = HeadlessChromium.Find();
        using var dir = new TempDirectory();
        var html = dir.File("broken.html");
        File.WriteAllText(html, "<!DOCTYPE html><html><head><title>x</title></head><body><script>undefinedFunction();</script></body></html>");

        var page = chromium.Open(html, dir.File("broken.png"), 400, 300);

        Assert.Contains(page.Errors, e => e.Contains("undefinedFunction", StringComparison.Ordinal));
    }
}

using System.Text.RegularExpressions;
using DataBuild.Reporting;

namespace DataBuild.Reporting.Tests;

public sealed class HtmlReportTests
{
    private static readonly string Html = HtmlReport.Write(SampleRuns.ThreeTargets());

    [Fact]
    public void The_report_has_every_section_in_order()
    {
        var positions = HtmlReport.Sections.Select(id => Html.IndexOf($"<section id=\"{id}\">", StringComparison.Ordinal)).ToList();

        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void The_report_needs_no_network_plotly_js_is_inlined_and_nothing_is_loaded_from_elsewhere()
    {
        Assert.Contains("Plotly.newPlot", Html);
        Assert.True(Html.Length > 3_000_000, $"plotly.js is ~3.5 MB; the page is {Html.Length} characters");
        Assert.DoesNotMatch(new Regex("<(script|link|img)[^>]+(src|href)=", RegexOptions.IgnoreCase), Html);
    }

    [Fact]
    public void Reasons_are_grouped_by_kind_and_the_failed_nodes_log_tail_is_shown_escaped()
    {
        Assert.Contains("<tr><td>never built</td><td>4</td>", Html);
        Assert.Contains("<tr><td>input changed</td><td>2</td>", Html);
        Assert.Contains("Traceback: &lt;boom&gt; &amp; more", Html);
        Assert.Contains("<tr><td>Raw</td><td>14</td></tr>", Html);
    }

    [Fact]
    public void Slurm_jobs_and_the_attempts_of_a_retried_node_are_listed()
    {
        Assert.Contains("<td>41</td>", Html);
        Assert.Contains("1: OutOfMemory (job 41_1 on node1) -&gt; 2: Succeeded (job 42_0 on node1)", Html);
    }

    [Fact]
    public void Local_tasks_get_the_lowest_free_slot_and_slurm_tasks_their_array_task()
    {
        var run = SampleRuns.ThreeTargets();

        var lanes = Charts.Lanes(run.Attempts);

        Assert.Equal(["slot 1", "slot 2", "job 41_0", "job 41_1", "job 42_0", "job 41_2", "slot 1"], run.Attempts.Select(a => lanes[a]));
    }
}

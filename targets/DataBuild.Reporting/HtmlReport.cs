using System.Globalization;
using System.Text;


namespace DataBuild.Reporting;

/// <summary>
/// The report of one run as one self-contained HTML file (plotly.js inlined, no network): the run, what was built and
/// why, what failed, the timeline, memory over time per target, requested against used resources, and Slurm jobs.
/// </summary>
public static class HtmlReport
{
    /// <summary>The ids of the page's sections, in order (what a test or a link looks for).</summary>
    public static readonly string[] Sections = ["run", "built", "failed", "timeline", "memory", "resources", "slurm"];

    public static string Write(RunData data)
    {
        var html = new StringBuilder();
        var run = data.Run;
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>DataBuild run ")
            .Append(run.Id).Append("</title>\n<style>").Append(Css).Append("</style>\n<script>").Append(Charts.PlotlyJs()).Append("</script>\n</head><body>\n");
        html.Append("<h1>DataBuild run ").Append(run.Id).Append(": ").Append(Encode(run.Status)).Append("</h1>\n");

        Section(html, "run", "The run");
        var ended = run.Ended ?? data.Attempts.Select(a => a.End).DefaultIfEmpty(run.Started).Max();
        Table(html, ["", ""], [
            ["command", Code(run.Command)],
            ["who, where", Encode(run.Host)],
            ["started", Encode(run.Started.ToString("u", CultureInfo.InvariantCulture))],
            ["duration", Encode(TargetUsage.Duration((ended - run.Started).TotalSeconds)) + (run.Ended is null ? " (did not record its end)" : "")],
            ["result", Encode(run.Status)],
            ["tasks", $"{data.Attempts.Select(a => a.Node).Distinct().Count()} nodes run ({data.Attempts.Count} attempts), {data.NotRun.Values.Sum()} not run (built before)"],
        ], header: false);
        html.Append("</section>\n");

        Section(html, "built", "What was built, and why");
        var reasons = data.Attempts.Where(a => a.Number == 1).SelectMany(a => (a.Reason.Length == 0 ? "(no reason recorded)" : a.Reason)
                .Split("; ").Select(r => (Reason: Kind(r), a.Node)))
            .GroupBy(r => r.Reason).OrderByDescending(g => g.Count());
        Table(html, ["reason", "nodes", "for example"], reasons.Select(g => new[]
        {
            Encode(g.Key), g.Select(r => r.Node).Distinct().Count().ToString(CultureInfo.InvariantCulture),
            Encode(string.Join(", ", g.Select(r => r.Node).Distinct().Take(4)) + (g.Select(r => r.Node).Distinct().Count() > 4 ? ", ..." : "")),
        }));
        html.Append("<h3>Up to date (not run)</h3>\n");
        if (data.NotRun.Count == 0) html.Append("<p>Every node the state knows of ran in this run.</p>\n");
        else Table(html, ["target", "nodes built before, not run now"], data.NotRun.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new[] { Encode(p.Key), p.Value.ToString(CultureInfo.InvariantCulture) }));
        html.Append("</section>\n");

        Section(html, "failed", "What failed");
        var failed = data.Attempts.GroupBy(a => a.Node).Select(g => g.MaxBy(a => a.Number)!).Where(a => !a.Succeeded).ToList();
        if (failed.Count == 0) html.Append("<p>Nothing failed.</p>\n");
        foreach (var f in failed)
        {
            html.Append("<h3>").Append(Encode(f.Node)).Append(": ").Append(Encode(f.Status)).Append("</h3>\n<p>").Append(Encode(f.Message))
                .Append("</p>\n<p>log: ").Append(Code(f.Log)).Append("</p>\n<pre class=\"log\">")
                .Append(Encode(data.LogTails.GetValueOrDefault(f.Node, ""))).Append("</pre>\n");
        }
        html.Append("</section>\n");

        Section(html, "timeline", "Timeline");
        if (data.Attempts.Count == 0) html.Append("<p>No task ran.</p>\n");
        else html.Append("<div class=\"plot\">").Append(Charts.Timeline(data.Attempts, run.Started)).Append("</div>\n");
        html.Append("</section>\n");

        Section(html, "memory", "Memory over time, per target");
        var sampled = data.Attempts.GroupBy(a => a.Target).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Target: g.Key, Tasks: g.Select(a => (Node: $"{a.Node} #{a.Number}", Samples: data.Samples.GetValueOrDefault((a.Node, a.Number), [])))
                .Where(t => t.Samples.Count > 0).ToList()))
            .Where(t => t.Tasks.Count > 0).ToList();
        if (sampled.Count == 0) html.Append("<p>No task of this run was sampled (in-process tasks are not; DATABUILD_SAMPLE_SECONDS=0 turns sampling off).</p>\n");
        foreach (var (target, tasks) in sampled)
            html.Append("<div class=\"plot\" data-target=\"").Append(Encode(target)).Append("\" data-series=\"")
                .Append(tasks.Count <= Charts.MaxOverlaid ? tasks.Count : 3).Append("\">").Append(Charts.Memory(target, tasks)).Append("</div>\n");
        html.Append("</section>\n");

        Section(html, "resources", "Requested and used");
        var usage = TargetUsage.Of(data);
        Table(html, ["target", "tasks", "attempts", "failed", "memory asked", "largest peak", "cores asked", "most cores used", "CPU efficiency", "wall time asked", "longest task"],
            usage.Select(u => new[]
            {
                Encode(u.Target), N(u.Tasks), N(u.Attempts), N(u.Failed), u.RequestedMemoryMb is { } m ? TargetUsage.Memory(m) : "-",
                u.PeakMemoryMb is { } p ? TargetUsage.Memory(p) : "-", N(u.RequestedCores), u.MaxCoresUsed is { } c ? c.ToString("0.00", CultureInfo.InvariantCulture) : "-",
                u.CpuEfficiency is { } e ? (e * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "-",
                u.RequestedWallSeconds is { } w ? TargetUsage.Duration(w) : "-", TargetUsage.Duration(u.LongestWallSeconds),
            }));
        html.Append("<h3>Recommendations</h3>\n<ul class=\"advice\">\n");
        foreach (var advice in usage.SelectMany(u => u.Recommendations())) html.Append("<li>").Append(Encode(advice)).Append("</li>\n");
        html.Append("</ul>\n");
        if (usage.Count > 0)
        {
            html.Append("<div class=\"plot\">").Append(Charts.RequestedVersusUsed(usage)).Append("</div>\n");
            if (usage.Any(u => u.CpuEfficiency is not null)) html.Append("<div class=\"plot\">").Append(Charts.CpuEfficiency(usage)).Append("</div>\n");
        }
        html.Append("</section>\n");

        Section(html, "slurm", "Slurm jobs and retries");
        if (data.Jobs.Count == 0) html.Append("<p>No batch job was submitted in this run.</p>\n");
        else Table(html, ["job", "submitted", "state", "manifest"], data.Jobs.Select(j => new[]
        {
            Encode(j.JobId), Encode(j.Submitted.ToString("u", CultureInfo.InvariantCulture)), Encode(j.State), Code(j.Manifest),
        }));
        var retried = data.Attempts.GroupBy(a => a.Node).Where(g => g.Count() > 1 || g.Any(a => a.JobId is not null)).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        html.Append("<h3>Attempts per node</h3>\n");
        if (retried.Count == 0) html.Append("<p>No node ran more than once.</p>\n");
        else Table(html, ["node", "attempts"], retried.Select(g => new[]
        {
            Encode(g.Key), Encode(string.Join(" -> ", g.OrderBy(a => a.Number).Select(a =>
                $"{a.Number}: {a.Status}{(a.JobId is null ? "" : $" (job {a.JobId} on {a.Host})")}"))),
        }));
        html.Append("</section>\n</body></html>\n");
        return html.ToString();
    }

    // "input changed: raw/q1.fits" and "input changed: raw/q2.fits" are one kind of reason.
    private static string Kind(string reason)
    {
        var colon = reason.IndexOf(':');
        return colon > 0 ? reason[..colon] : reason;
    }

    private static void Section(StringBuilder html, string id, string title) =>
        html.Append("<section id=\"").Append(id).Append("\"><h2>").Append(Encode(title)).Append("</h2>\n");

    // Cells are HTML already (encoded by the caller).
    private static void Table(StringBuilder html, string[] columns, IEnumerable<string[]> rows, bool header = true)
    {
        html.Append("<table>");
        if (header)
        {
            html.Append("<tr>");
            foreach (var c in columns) html.Append("<th>").Append(Encode(c)).Append("</th>");
            html.Append("</tr>");
        }
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row) html.Append("<td>").Append(cell).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</table>\n");
    }

    private static string Encode(string? text) => System.Net.WebUtility.HtmlEncode(text ?? "");

    private static string Code(string text) => "<code>" + Encode(text) + "</code>";

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    private const string Css =
        "body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}table{border-collapse:collapse;margin:.5em 0}" +
        "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f2f4f8}" +
        "pre.log{background:#111;color:#eee;padding:.8em;overflow:auto;max-height:24em}section{margin-bottom:2.5em}.plot{margin:1em 0}";
}

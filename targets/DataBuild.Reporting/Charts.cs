using Microsoft.FSharp.Core;
using Plotly.NET;
using Chart = Plotly.NET.CSharp.Chart;

namespace DataBuild.Reporting;

/// <summary>The report's plots, drawn by Plotly.NET (plotly.js in the page): each is one HTML fragment, a div and its script.</summary>
public static class Charts
{
    /// <summary>The most tasks drawn one line each on a target's memory plot; more are drawn as percentiles over time.</summary>
    public const int MaxOverlaid = 40;

    /// <summary>plotly.js as Plotly.NET ships it (an embedded resource of its assembly), to inline in the page: no network needed.</summary>
    public static string PlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".min.js", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Tasks over time, a bar from start to end in the lane it ran in (its Slurm array task, or the first free local
    /// slot), one series per target so that targets have their colours.
    /// </summary>
    public static string Timeline(IReadOnlyList<Attempt> attempts, DateTimeOffset runStart)
    {
        var lanes = Lanes(attempts);
        var charts = attempts.GroupBy(a => a.Target).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var list = g.ToList();
            var chart = Chart.Bar<double, string, string>(
                list.Select(a => Math.Max(0.05, (a.End - a.Start).TotalSeconds)), Keys: list.Select(a => lanes[a]).ToArray(), Name: g.Key,
                MultiText: list.Select(a => $"{a.Node} #{a.Number}: {a.Status}").ToArray());
            return SetTrace(chart, ("base", list.Select(a => (a.Start - runStart).TotalSeconds).ToArray()), ("textposition", "none"),
                ("hovertemplate", "%{text}<br>%{base:.1f} s + %{x:.1f} s<extra></extra>"));
        });
        var lanesUsed = lanes.Values.Distinct().Count();
        return Html(Style(Chart.Combine(charts), "seconds since the run started", "slot", height: Math.Clamp(120 + 18 * lanesUsed, 260, 900),
            ("barmode", "overlay"), ("yaxis", new { autorange = "reversed", type = "category", title = new { text = "slot" } })));
    }

    /// <summary>A target's tasks' memory over time since each started: one line per task, or percentiles when there are many.</summary>
    public static string Memory(string target, IReadOnlyList<(string Node, IReadOnlyList<Sample> Samples)> tasks)
    {
        IEnumerable<GenericChart> lines;
        if (tasks.Count <= MaxOverlaid)
        {
            // Markers too: a task shorter than the interval has one sample, which a line alone would not show.
            lines = tasks.Select(t => Chart.Line<double, double, string>(t.Samples.Select(s => s.Seconds), t.Samples.Select(s => s.RssMb), ShowMarkers: true, Name: t.Node));
        }
        else
        {
            var span = tasks.Max(t => t.Samples[^1].Seconds);
            var buckets = 50;
            var times = Enumerable.Range(0, buckets + 1).Select(i => span * i / buckets).ToArray();
            // At each time, the memory of every task still running then: its latest sample up to that time.
            var at = times.Select(time => tasks.Where(t => t.Samples[^1].Seconds >= time)
                .Select(t => t.Samples.LastOrDefault(s => s.Seconds <= time, t.Samples[0]).RssMb).Order().ToArray()).ToArray();
            double P(double[] sorted, double q) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(q * sorted.Length))];
            lines = new[] { ("median", 0.5), ("90th percentile", 0.9), ("largest", 1.0) }.Select(p =>
                Chart.Line<double, double, string>(times, at.Select(v => P(v, p.Item2)), Name: p.Item1));
        }
        return Html(Style(Chart.Combine(lines), "seconds since the task started", "resident memory (MB)", height: 320,
            ("title", new { text = $"{target}: memory over time ({tasks.Count} task{(tasks.Count == 1 ? "" : "s")})" +
                (tasks.Any(t => t.Samples.Any(s => s.DriverMemory)) ? ", in-process: the driver's memory" : "") })));
    }

    /// <summary>Per target: memory asked for against the largest peak measured.</summary>
    public static string RequestedVersusUsed(IReadOnlyList<TargetUsage> usage)
    {
        var targets = usage.Select(u => u.Target).ToArray();
        var requested = Chart.Column<double, string, string>(usage.Select(u => (double)(u.RequestedMemoryMb ?? 0)), Keys: targets, Name: "memory asked for (MB)");
        var used = Chart.Column<double, string, string>(usage.Select(u => u.PeakMemoryMb ?? 0), Keys: targets, Name: "largest peak (MB)");
        return Html(Style(Chart.Combine([requested, used]), "target", "MB", height: 340, ("barmode", "group")));
    }

    /// <summary>Per target: CPU time over the cores asked for times wall time, in percent.</summary>
    public static string CpuEfficiency(IReadOnlyList<TargetUsage> usage)
    {
        var measured = usage.Where(u => u.CpuEfficiency is not null).ToList();
        var chart = Chart.Column<double, string, string>(measured.Select(u => Math.Round(u.CpuEfficiency!.Value * 100, 1)),
            Keys: measured.Select(u => u.Target).ToArray(), Name: "CPU efficiency (%)");
        return Html(Style(chart, "target", "CPU time / (cores x wall time), %", height: 300));
    }

    /// <summary>Lanes of the timeline: a Slurm task's array job and index, or the lowest local slot free when the task started.</summary>
    public static Dictionary<Attempt, string> Lanes(IReadOnlyList<Attempt> attempts)
    {
        var lanes = new Dictionary<Attempt, string>(ReferenceEqualityComparer.Instance);
        var slotsFreeAt = new List<DateTimeOffset>();
        foreach (var a in attempts.OrderBy(a => a.Start))
        {
            if (a.JobId is { } job)
            {
                lanes[a] = $"job {job}";
                continue;
            }
            var slot = slotsFreeAt.FindIndex(free => free <= a.Start);
            if (slot < 0) { slot = slotsFreeAt.Count; slotsFreeAt.Add(a.End); }
            else slotsFreeAt[slot] = a.End;
            lanes[a] = $"slot {slot + 1}";
        }
        return lanes;
    }

    private static GenericChart SetTrace(GenericChart chart, params (string Name, object Value)[] properties) =>
        GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(trace =>
        {
            foreach (var (name, value) in properties) trace.SetProperty(name, value);
            return trace;
        }), chart);

    private static GenericChart Style(GenericChart chart, string xTitle, string yTitle, int height, params (string Name, object Value)[] layout)
    {
        var result = GenericChart.mapLayout(FuncConvert.FromFunc<Layout, Layout>(l =>
        {
            l.SetProperty("height", height);
            l.SetProperty("width", 1100);
            l.SetProperty("autosize", true);
            l.SetProperty("margin", new { l = 160, r = 20, t = 40, b = 50 });
            l.SetProperty("xaxis", new { title = new { text = xTitle } });
            l.SetProperty("yaxis", new { title = new { text = yTitle } });
            foreach (var (name, value) in layout) l.SetProperty(name, value);
            return l;
        }), chart);
        return result;
    }

    private static string Html(GenericChart chart) => GenericChart.toChartHTML(chart);
}

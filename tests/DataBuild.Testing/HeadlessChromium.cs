using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace DataBuild.Testing;

/// <summary>
/// Opens a local HTML file in headless Chromium (Debian's <c>chromium</c>) and reports what a reader would see: the
/// DOM after its scripts ran, the JavaScript errors it raised (caught by a probe script put first in the page:
/// <c>window.onerror</c>, unhandled rejections, <c>console.error</c>), and a screenshot. Plain command-line runs
/// (<c>--dump-dom</c>, <c>--screenshot</c>) under a virtual time budget, which does not depend on how loaded the machine is.
/// </summary>
public sealed partial class HeadlessChromium
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private const string Probe =
        "<script>window.__errors=[];function __record(m){window.__errors.push(String(m));var e=document.getElementById('__errors');" +
        "if(e)e.textContent=JSON.stringify(window.__errors);}" +
        "window.addEventListener('error',function(e){__record('error: '+e.message+' at '+e.filename+':'+e.lineno);});" +
        "window.addEventListener('unhandledrejection',function(e){__record('unhandled rejection: '+e.reason);});" +
        "var __ce=console.error;console.error=function(){__record('console.error: '+Array.prototype.join.call(arguments,' '));__ce.apply(console,arguments);};" +
        "document.addEventListener('DOMContentLoaded',function(){var p=document.createElement('pre');p.id='__errors';p.hidden=true;" +
        "p.textContent=JSON.stringify(window.__errors);document.body.appendChild(p);});</script>";

    private HeadlessChromium(string program) => Program = program;

    public string Program { get; }

    /// <summary>
    /// Chromium from <c>DATABUILD_CHROMIUM</c>, else <c>chromium</c>, <c>chromium-browser</c> or <c>google-chrome</c> on
    /// PATH; a missing one fails the test that needs it, saying how to install it.
    /// </summary>
    public static HeadlessChromium Find()
    {
        var configured = Environment.GetEnvironmentVariable("DATABUILD_CHROMIUM");
        if (!string.IsNullOrEmpty(configured)) return new HeadlessChromium(configured);
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
                if (File.Exists(Path.Combine(dir, name))) return new HeadlessChromium(Path.Combine(dir, name));
        throw new InvalidOperationException(
            "Headless Chromium is needed to test the HTML report in a real browser and was not found on PATH (chromium, chromium-browser, " +
            "google-chrome). Install it (Debian: apt-get install -y chromium; .ci/run does) or set DATABUILD_CHROMIUM to its path.");
    }

    /// <summary>What the page showed after its scripts ran.</summary>
    public sealed record Page(string Dom, IReadOnlyList<string> Errors, string Screenshot);

    /// <summary>Opens <paramref name="htmlPath"/> (a copy with the error probe put first), dumps its DOM and saves a screenshot to <paramref name="screenshotPath"/>.</summary>
    public Page Open(string htmlPath, string screenshotPath, int width = 1280, int height = 4000)
    {
        var probed = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(screenshotPath))!, Path.GetFileNameWithoutExtension(htmlPath) + ".probed.html");
        var html = File.ReadAllText(htmlPath);
        var head = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
        if (head < 0) throw new InvalidDataException($"{htmlPath} has no <head>: not a page the probe can go in.");
        File.WriteAllText(probed, html.Insert(head + "<head>".Length, Probe));
        var url = new Uri(Path.GetFullPath(probed)).AbsoluteUri;
        var profile = Directory.CreateTempSubdirectory("databuild-chromium-");
        try
        {
            var dom = Run(profile.FullName, "--dump-dom", url);
            Run(profile.FullName, $"--screenshot={Path.GetFullPath(screenshotPath)}", $"--window-size={width},{height}", url);
            if (!File.Exists(screenshotPath)) throw new InvalidOperationException($"{Program} wrote no screenshot to {screenshotPath}.");
            var errors = ErrorsElement().Match(dom) is { Success: true } m
                ? System.Text.Json.JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).RootElement.EnumerateArray().Select(e => e.GetString() ?? "").ToArray()
                : ["the error probe found no <pre id=\"__errors\"> in the page: did its scripts run at all?"];
            return new Page(dom, errors, screenshotPath);
        }
        finally
        {
            try { profile.Delete(recursive: true); } catch (IOException) { }
        }
    }

    private string Run(string profile, params string[] arguments)
    {
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. The virtual time budget lets the
        // page's timers run to completion without waiting for them in real time.
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                     "--hide-scrollbars", $"--user-data-dir={profile}", "--virtual-time-budget=20000", "--run-all-compositor-stages-before-draw" })
            start.ArgumentList.Add(a);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {Program}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Program} {string.Join(" ", arguments)} did not finish within {Limit.TotalMinutes} minutes.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Program} {string.Join(" ", arguments)} exited with {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>Every plot of the page (a Plotly div) with the number of series it drew (its <c>g.trace</c> elements).</summary>
    public static IReadOnlyList<int> PlotSeries(string dom)
    {
        var plots = new List<int>();
        var parts = dom.Split("class=\"plot-container plotly\"");
        foreach (var part in parts.Skip(1)) plots.Add(TraceElement().Matches(part).Count);
        return plots;
    }

    [GeneratedRegex("<pre id=\"__errors\"[^>]*>(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ErrorsElement();

    // A drawn series: <g class="trace scatter ..."> or <g class="trace bars">; the legend's group is "traces".
    [GeneratedRegex("<g class=\"trace[ \"]")]
    private static partial Regex TraceElement();
}

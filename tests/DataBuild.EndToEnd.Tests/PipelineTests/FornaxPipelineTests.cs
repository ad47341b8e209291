using System.Diagnostics;
using System.Globalization;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.PipelineTests;

/// <summary>
/// The Fornax-shaped example against the pretend archives (examples/fornax/archive_server.py): everything fetched
/// once, each archive's rate limit kept (from the server's own request log), ps1's bad start retried and shown by
/// why, and the archive token nowhere on disk.
/// </summary>
public sealed class FornaxPipelineTests : IDisposable
{
    private const string Token = "fornax-token-3c9e71d0a4";
    private const int ServerLimit = 4; // requests a second each archive answers before 429
    private readonly TempDirectory _dir = new();
    private readonly Process _server;
    private readonly string _url;

    public FornaxPipelineTests()
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(Repository.Root, "examples/fornax/archive_server.py"), "--port", "0", "--log", _dir.File("requests.tsv") })
            info.ArgumentList.Add(a);
        info.Environment["FORNAX_ARCHIVE_TOKEN"] = Token;
        _server = Process.Start(info)!;
        var line = _server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        _url = line!["listening on ".Length..];
    }

    public void Dispose()
    {
        _server.Kill();
        _server.WaitForExit();
        _server.Dispose();
        _dir.Dispose();
    }

    private sealed record Request(double At, string Archive, string Ids, int Status);

    private List<Request> Requests() => File.ReadAllLines(_dir.File("requests.tsv")).Select(l => l.Split('\t'))
        .Select(c => new Request(double.Parse(c[0], CultureInfo.InvariantCulture), c[1], c[2], int.Parse(c[3], CultureInfo.InvariantCulture))).ToList();

    [Fact]
    public async Task Every_chunk_is_fetched_once_from_every_archive_within_its_limit_and_the_retries_show_in_why()
    {
        Directory.CreateDirectory(_dir.File("work"));
        var environment = new Dictionary<string, string> { ["FORNAX_ARCHIVE_TOKEN"] = Token };

        var build = await Driver.RunAsync(_dir.File("work"), environment, "FornaxLightCurves", "--fornax-archive-url", _url, "-j", "8");
        var why = await Driver.RunAsync(_dir.File("work"), environment, "why", "FornaxFetch[archive=ps1,chunk=0]", "--fornax-archive-url", _url);
        var again = await Driver.RunAsync(_dir.File("work"), environment, "FornaxLightCurves", "--fornax-archive-url", _url, "-j", "8");

        Assert.True(build.ExitCode == 0, $"{build.Output}\n{build.Stderr}");
        var requests = Requests();
        // Fetched once: one answer 200 per archive and chunk (40 objects in chunks of 10), none refused for a token.
        var fetched = requests.Where(r => r.Status == 200).GroupBy(r => (r.Archive, r.Ids)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(12, fetched.Count);
        Assert.All(fetched.Values, n => Assert.Equal(1, n));
        Assert.DoesNotContain(requests, r => r.Status is 401 or 404);
        // Within the limits: never more requests to one archive in a second than it answers, so never a 429.
        foreach (var archive in requests.GroupBy(r => r.Archive))
        {
            var at = archive.Select(r => r.At).Order().ToList();
            for (var i = 0; i + ServerLimit < at.Count; i++)
                Assert.True(at[i + ServerLimit] - at[i] >= 1.0, $"{archive.Key}: {ServerLimit + 1} requests within a second from {at[i]}");
        }
        Assert.DoesNotContain(requests, r => r.Status == 429);
        // ps1 was down at first: its first chunk failed with 503 (exit 75) and was retried until it answered.
        Assert.Contains(requests, r => r.Archive == "ps1" && r.Ids == "1,2,3,4,5,6,7,8,9,10" && r.Status == 503);
        Assert.Contains("  attempts in run 1:", why.Stdout);
        Assert.Contains(why.Stdout, l => l.StartsWith("    1: Failed at ", StringComparison.Ordinal) && l.Contains(", exit code 75", StringComparison.Ordinal));
        Assert.Contains(why.Stdout, l => l.Contains(": Succeeded at ", StringComparison.Ordinal));
        // Merged: every object of a chunk, in every band of every archive (5 points each).
        var merged = File.ReadAllLines(_dir.File("work/out/fornax/lightcurves/chunk0.csv"));
        Assert.Equal("id,band,mjd,mag,archive", merged[0]);
        Assert.Equal(10 * 5 * 5, merged.Length - 1); // ztf g r, wise W1 W2, ps1 i
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), merged.Skip(1).Select(l => l.Split(',')[0]).Distinct());
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Nothing to do", again.Output);
        Assert.Equal(requests.Count, Requests().Count); // an up-to-date rebuild asks no archive anything
    }

    [Fact]
    public async Task The_archive_token_is_nowhere_in_the_state_the_logs_or_the_outputs_after_a_build()
    {
        Directory.CreateDirectory(_dir.File("work"));
        var environment = new Dictionary<string, string> { ["FORNAX_ARCHIVE_TOKEN"] = Token };

        var build = await Driver.RunAsync(_dir.File("work"), environment, "FornaxLightCurves", "--fornax-archive-url", _url, "-j", "8");
        var why = await Driver.RunAsync(_dir.File("work"), environment, "why", "FornaxFetch[archive=ztf,chunk=1]", "--fornax-archive-url", _url);
        var plan = await Driver.RunAsync(_dir.File("work"), environment, "FornaxLightCurves", "--fornax-archive-url", _url, "--plan", "-v");

        Assert.True(build.ExitCode == 0, $"{build.Output}\n{build.Stderr}");
        Assert.True(Requests().Count(r => r.Status == 200) >= 12); // the token was sent: the archives refuse requests without it
        var files = Directory.GetFiles(_dir.File("work"), "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("state.db", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("/.databuild/logs/FornaxFetch/", StringComparison.Ordinal));
        var token = System.Text.Encoding.UTF8.GetBytes(Token);
        Assert.DoesNotContain(files, f => File.ReadAllBytes(f).AsSpan().IndexOf(token) >= 0);
        Assert.DoesNotContain(Token, build.Output + build.Stderr + why.Output + why.Stderr + plan.Output + plan.Stderr);
    }
}

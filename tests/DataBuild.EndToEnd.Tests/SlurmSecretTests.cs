using System.Diagnostics;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>
/// The Fornax example on the real Slurm cluster: its secret reaches the tasks and no manifest, script, log, state or output
/// holds it; its rate limits hold at task start across arrays, as the archive server's own request log shows.
/// </summary>
[Collection(SlurmCluster.Name)]
public sealed class SlurmSecretTests : IDisposable
{
    private const string Token = "slurm-fornax-token-8d41be";
    private readonly TempDirectory _dir = new();
    private readonly Process _server;
    private readonly string _url;

    public SlurmSecretTests(SlurmCluster cluster)
    {
        cluster.EnsureUp();
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(Repository.Root, "examples/fornax/archive_server.py"), "--port", "0", "--log", _dir.File("requests.tsv") })
            info.ArgumentList.Add(a);
        info.Environment["FORNAX_ARCHIVE_TOKEN"] = Token;
        _server = Process.Start(info)!;
        _url = _server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()!["listening on ".Length..];
    }

    public void Dispose()
    {
        _server.Kill();
        _server.WaitForExit();
        _server.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_secret_reaches_the_Slurm_tasks_and_is_in_no_file_of_the_workspace_after_the_build()
    {
        Directory.CreateDirectory(_dir.File("work"));
        var environment = new Dictionary<string, string> { ["FORNAX_ARCHIVE_TOKEN"] = Token };

        var build = await Driver.RunAsync(_dir.File("work"), environment, "FornaxLightCurves", "--fornax-archive-url", _url,
            "--executor", "slurm", "--poll-interval", "1", "--pack", "4");

        Assert.True(build.ExitCode == 0, $"{build.Output}\n{build.Stderr}");
        Assert.Contains("submitted job array", build.Output);
        Assert.True(File.ReadAllLines(_dir.File("requests.tsv")).Count(l => l.EndsWith("\t200", StringComparison.Ordinal)) >= 12); // sent with the token
        var files = Directory.GetFiles(_dir.File("work"), "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.Contains("/.databuild/slurm/", StringComparison.Ordinal) && f.EndsWith("manifest.jsonl", StringComparison.Ordinal));
        Assert.Contains(files, f => f.Contains("/.databuild/slurm/", StringComparison.Ordinal) && f.EndsWith("submit.sh", StringComparison.Ordinal));
        var token = System.Text.Encoding.UTF8.GetBytes(Token);
        Assert.DoesNotContain(files, f => File.ReadAllBytes(f).AsSpan().IndexOf(token) >= 0);
        Assert.DoesNotContain(Token, build.Output + build.Stderr);
    }

    [Fact]
    public async Task Each_archives_rate_limit_holds_at_task_start_on_the_compute_nodes_as_the_servers_request_log_shows()
    {
        Directory.CreateDirectory(_dir.File("work"));
        var environment = new Dictionary<string, string> { ["FORNAX_ARCHIVE_TOKEN"] = Token };

        // All twelve fetches in one array task running two at a time: nothing but the workers' shared start log paces them.
        var build = await Driver.RunAsync(_dir.File("work"), environment, "FornaxLightCurves", "--fornax-archive-url", _url,
            "--executor", "slurm", "--poll-interval", "1", "--pack", "12", "--pack-parallel", "2");

        Assert.True(build.ExitCode == 0, $"{build.Output}\n{build.Stderr}");
        var requests = File.ReadAllLines(_dir.File("requests.tsv")).Select(l => l.Split('\t'))
            .Select(c => (At: double.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture), Archive: c[1], Ids: c[2], Status: int.Parse(c[3], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var fetched = requests.Where(r => r.Status == 200).GroupBy(r => (r.Archive, r.Ids)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(12, fetched.Count);
        Assert.All(fetched.Values, n => Assert.Equal(1, n));
        // The archives answer 4 a second (429 beyond); the pipeline asks for 2: never 5 requests to one archive within a second.
        foreach (var archive in requests.GroupBy(r => r.Archive))
        {
            var at = archive.Select(r => r.At).Order().ToList();
            for (var i = 0; i + 4 < at.Count; i++)
                Assert.True(at[i + 4] - at[i] >= 1.0, $"{archive.Key}: 5 requests within a second from {at[i]}");
        }
        Assert.DoesNotContain(requests, r => r.Status == 429);
        // The workers did the pacing: their job logs say that tasks waited for a start.
        var jobLogs = Directory.GetFiles(_dir.File("work/.databuild/slurm"), "*", SearchOption.AllDirectories).Select(File.ReadAllText);
        Assert.Contains(jobLogs, text => text.Contains("for a start of rate limit fornax-", StringComparison.Ordinal));
        Assert.True(Directory.Exists(_dir.File("work/.databuild/ratelimits")));
    }
}

using System.Diagnostics;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>A secret on the real Slurm cluster: the job's tasks get it, and no manifest, script, log, state or output holds it.</summary>
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
}

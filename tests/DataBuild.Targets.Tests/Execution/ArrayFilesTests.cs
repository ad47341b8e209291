using DataBuild.Execution.Slurm;
using DataBuild.Execution;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.Targets.Tests.Execution;

/// <summary>
/// The files a job array shares between driver and workers, through the compile-time JSON serializers (the published
/// program is trimmed, and trimming turns reflection-based JSON off).
/// </summary>
public sealed class ArrayFilesTests
{
    private readonly InMemoryFileSystem _fs = new();
    private readonly ArrayFiles _files = new(".databuild/slurm/7/Features-0");

    [Fact]
    public void A_manifest_keeps_every_field_of_every_invocation_and_the_pack()
    {
        var full = new Invocation
        {
            Node = "Features[field=296,quad=3]", Target = "Features", Partition = "field=296,quad=3",
            Inputs = new Dictionary<string, string[]> { ["lc"] = ["lc/296/3.parquet", "lc/296/3b.parquet"] },
            Outputs = [new OutputBinding("out", "features/296/3.parquet", ".databuild/staging/1/out", IsDirectory: false)],
            Upstream = new Dictionary<string, UpstreamBinding[]> { ["Quads"] = [new UpstreamBinding("field=296", new Dictionary<string, string> { ["list"] = "quads/296.txt" })] },
            Parameters = new Dictionary<string, string> { ["period-grid"] = "1000" },
            Argv = ["cp", "a", "b"], StagingDirectory = ".databuild/staging/1", LogPath = ".databuild/logs/1.log",
            Cores = 4, MemoryMb = 2048, Gpus = 1, Walltime = TimeSpan.FromMinutes(90), Attempt = 2, TaskKey = "00ff",
        };
        var minimal = new Invocation
        {
            Node = "All", Target = "All", Partition = "", Inputs = new Dictionary<string, string[]>(), Outputs = [],
            Upstream = new Dictionary<string, UpstreamBinding[]>(), Parameters = new Dictionary<string, string>(),
            StagingDirectory = "s", LogPath = "l",
        };

        _files.WriteManifest(_fs, [full, minimal], pack: 3);
        var read = _files.ReadManifest(_fs);

        Assert.Equal(2, read.Count);
        AssertSame(full, read[0]);
        AssertSame(minimal, read[1]);
        Assert.Null(read[1].Argv);
        Assert.Null(read[1].Walltime);
        Assert.Equal(1, read[1].Cores);
        Assert.Equal(3, _files.ReadPack(_fs));
        var text = _fs.ReadAllText(_files.Manifest);
        Assert.DoesNotContain("\"Argv\":null", text); // nulls are left out
        Assert.Equal(2, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // one line per invocation
    }

    [Fact]
    public void A_result_keeps_its_status_by_name_its_hashes_as_hex_its_retry_and_its_samples()
    {
        var hash = Hash128.Of("features");
        var result = new RunResult
        {
            Node = "Features[field=296,quad=3]", Status = BuildStatus.OutOfMemory, ExitCode = 137, Message = "killed",
            Outputs = [new OutputEntry("out", "features/296/3.parquet", hash)],
            Files = [new FileHash("features/296/3.parquet", hash)],
            StartedAt = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero), EndedAt = new DateTimeOffset(2026, 11, 21, 10, 1, 0, TimeSpan.Zero),
            WallSeconds = 60.5, CpuSeconds = 58.25, PeakRssKb = 123456, Host = "node17", JobId = "7_3", Attempt = 2,
            Retry = new ResourceRetry(4096, null),
            Samples = [new ResourceSample(1.5, 2048, 1.25, 4096, 512, 3), new ResourceSample(2.5, 4096, 2, 8192, 1024, 5, GpuPercent: 80, GpuMemoryMb: 900)],
        };
        var path = _files.Result(3, 0);

        ArrayFiles.WriteResult(_fs, path, result);
        var text = _fs.ReadAllText(path);
        var read = ArrayFiles.ReadResult(_fs, path);

        Assert.Contains("\"Status\":\"OutOfMemory\"", text);
        Assert.Contains($"\"Hash\":\"{hash}\"", text);
        Assert.Equal(result with { Outputs = read.Outputs, Files = read.Files, Samples = read.Samples }, read);
        Assert.Equal(result.Samples, read.Samples);
        Assert.Equal(result.Outputs, read.Outputs);
        Assert.Equal(result.Files, read.Files);
        Assert.Equal(new ResourceRetry(4096, null), read.Retry);
    }

    private static void AssertSame(Invocation expected, Invocation actual)
    {
        Assert.Equal(expected with
        {
            Inputs = actual.Inputs, Outputs = actual.Outputs, Upstream = actual.Upstream, Parameters = actual.Parameters, Argv = actual.Argv,
        }, actual);
        Assert.Equal(expected.Inputs.Keys, actual.Inputs.Keys);
        foreach (var (name, paths) in expected.Inputs) Assert.Equal(paths, actual.Inputs[name]);
        Assert.Equal(expected.Outputs, actual.Outputs);
        Assert.Equal(expected.Upstream.Keys, actual.Upstream.Keys);
        foreach (var (name, ups) in expected.Upstream)
        {
            Assert.Equal(ups.Length, actual.Upstream[name].Length);
            for (var i = 0; i < ups.Length; i++)
            {
                Assert.Equal(ups[i].Partition, actual.Upstream[name][i].Partition);
                Assert.Equal(ups[i].Outputs, actual.Upstream[name][i].Outputs);
            }
        }
        Assert.Equal(expected.Parameters, actual.Parameters);
        Assert.Equal(expected.Argv, actual.Argv);
    }
}

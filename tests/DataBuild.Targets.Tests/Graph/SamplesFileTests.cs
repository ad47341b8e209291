using System.IO.Compression;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>The run's samples.tsv.gz: what each task's process tree used over time.</summary>
public sealed class SamplesFileTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class Sampled : Pipeline
    {
        Target Grow => _ => _.PartitionedBy("quad", [0, 1]).Output("grow/q{quad}").Executes("sampled", "{out}", "100", "300", "200");

        Target Quiet => _ => _.Output("quiet.txt").Executes("write", "{out}", "no samples");
    }

    private List<Dictionary<string, string>> Samples(long run)
    {
        using var gzip = new GZipStream(_ws.Files.OpenRead($".databuild/runs/{run}/{SamplesFile.Name}"), CompressionMode.Decompress);
        var lines = new StreamReader(gzip).ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split('\t');
        Assert.Equal(SamplesFile.Columns, header);
        return lines.Skip(1).Select(l => header.Zip(l.Split('\t')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    [Fact]
    public async Task Every_sample_of_every_task_is_a_row_with_memory_cores_and_bytes_read()
    {
        var outcome = await _ws.Build(new Sampled());

        var rows = Samples(outcome.RunId);

        Assert.Equal(6, rows.Count);
        var q1 = rows.Where(r => r["node"] == "Grow[quad=1]").ToList();
        Assert.Equal(["1", "2", "3"], q1.Select(r => r["t_s"]));
        Assert.Equal(["100", "300", "200"], q1.Select(r => r["rss_mb"]));
        Assert.Equal(["0.5", "0.5", "0.5"], q1.Select(r => r["cpu_cores"]));
        Assert.Equal(["1", "2", "3"], q1.Select(r => r["read_mb"]));
        Assert.All(q1, r => Assert.Equal(("1", "2", ""), (r["attempt"], r["threads"], r["gpu_percent"])));
    }

    [Fact]
    public async Task Results_arriving_one_at_a_time_append_gzip_members_that_read_back_as_one_file()
    {
        var outcome = await _ws.Build(PipelineModel.Load(new Sampled()), new BuildOptions(), cores: 1);

        var rows = Samples(outcome.RunId);

        Assert.Equal(["Grow[quad=0]", "Grow[quad=1]"], rows.Select(r => r["node"]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(6, rows.Count);
    }

    [Fact]
    public async Task A_run_whose_tasks_have_no_samples_writes_no_samples_file()
    {
        var outcome = await _ws.Build(new Sampled(), "Quiet");

        Assert.Null(_ws.Files.Stat($".databuild/runs/{outcome.RunId}/{SamplesFile.Name}"));
    }
}

using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>The run's trace.tsv: one row per task attempt, with why it ran and what it asked for and used.</summary>
public sealed class TraceTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class Flaky : Pipeline
    {
        Target Raw => _ => _.PartitionedBy("quad", [0, 1]).Output("raw/q{quad}").MemoryMb(256).Executes("write", "{out}", "quad {quad}");

        Target Retried => _ => _.DependsOn(Raw).Output("flaky.txt").Retries(1).Executes("flaky", "1", "{out}");
    }

    private List<Dictionary<string, string>> Trace(long run)
    {
        var lines = _ws.Files.ReadAllText($".databuild/runs/{run}/trace.tsv").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split('\t');
        Assert.Equal(TraceFile.Columns, header);
        return lines.Skip(1).Select(l => l.Split('\t')).Select(cells =>
        {
            Assert.Equal(header.Length, cells.Length);
            return header.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        }).ToList();
    }

    [Fact]
    public async Task Every_task_attempt_is_a_row_with_why_it_ran_what_it_asked_for_and_how_it_ended()
    {
        var outcome = await _ws.Build(new Flaky());

        var rows = Trace(outcome.RunId);

        Assert.Equal(["Raw[quad=0]", "Raw[quad=1]", "Retried", "Retried"], rows.Select(r => r["node"]).Order(StringComparer.Ordinal));
        var raw = rows.Single(r => r["node"] == "Raw[quad=1]");
        Assert.Equal(("Raw", "quad=1", "1", "local", "Succeeded", "0"), (raw["target"], raw["partition"], raw["attempt"], raw["executor"], raw["status"], raw["exit_code"]));
        Assert.Equal(("1", "256", "0", "never built"), (raw["cores"], raw["memory_mb"], raw["gpus"], raw["reason"]));
        Assert.Equal(".databuild/logs/Raw/quad=1.log", raw["log"]);
        Assert.True(DateTimeOffset.Parse(raw["end"]) >= DateTimeOffset.Parse(raw["start"]));
        var attempts = rows.Where(r => r["node"] == "Retried").OrderBy(r => r["attempt"]).ToList();
        Assert.Equal([("1", "Failed"), ("2", "Succeeded")], attempts.Select(r => (r["attempt"], r["status"])));
        Assert.Equal("", attempts[0]["memory_mb"]);
    }

    [Fact]
    public async Task A_second_run_has_a_trace_of_its_own_with_only_what_it_ran()
    {
        var first = await _ws.Build(new Flaky());
        _ws.Files.Delete("raw/q0");
        var second = await _ws.Build(new Flaky());

        var rows = Trace(second.RunId);

        Assert.NotEqual(first.RunId, second.RunId);
        var row = Assert.Single(rows);
        Assert.Equal(("Raw[quad=0]", "output missing: raw/q0"), (row["node"], row["reason"]));
    }
}

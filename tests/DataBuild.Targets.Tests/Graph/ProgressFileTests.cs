using System.Text.Json;
using DataBuild.Cli;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>progress.json: what status shows from another shell while a driver runs, rewritten whole as the build goes.</summary>
public sealed class ProgressFileTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class Watched(TestWorkspace ws, List<string> seen) : Pipeline
    {
        Target Raw => _ => _.PartitionedBy("quad", [0, 1, 2]).Output("raw/q{quad}").Executes(ctx =>
        {
            // What another shell reads while this task runs (once the driver has written that it runs: the task
            // starts first); then time passes, so that the next write is due.
            seen.Add(WhenWritten(ws, p => Counts(p, "Raw", "running")["running"] == 1 && Counts(p, "Raw", "built")["built"] == seen.Count));
            ws.Clock.Advance(TimeSpan.FromSeconds(10));
            ws.Files.WriteAllText(ctx.Output(), "raw");
        }, version: "1");

        Target Merged => _ => _.DependsOn(Raw).Output("merged.txt").Executes("write", "{out}", "merged");
    }

    private static string WhenWritten(TestWorkspace ws, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (ws.Files.Exists(".databuild/runs/1/progress.json"))
            {
                var text = ws.Files.ReadAllText(".databuild/runs/1/progress.json");
                if (condition(JsonDocument.Parse(text).RootElement)) return text;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("progress.json never showed the running task");
            Thread.Sleep(5);
        }
    }

    private static Dictionary<string, int> Counts(JsonElement progress, string target, params string[] columns)
    {
        var t = progress.GetProperty("targets").EnumerateArray().Single(e => e.GetProperty("name").GetString() == target);
        return columns.ToDictionary(c => c, c => t.GetProperty(c).GetInt32());
    }

    [Fact]
    public async Task While_a_build_runs_its_progress_file_counts_nodes_running_queued_built_and_waiting_and_estimates_what_is_left()
    {
        var seen = new List<string>();

        var outcome = await _ws.Build(PipelineModel.Load(new Watched(_ws, seen)), new BuildOptions { Selectors = [DataBuild.Graph.NodeSelector.Parse("Merged")] }, cores: 1);

        Assert.Equal(1, outcome.RunId);
        Assert.Equal(3, seen.Count);
        var first = JsonDocument.Parse(seen[0]).RootElement;
        Assert.Equal(("running", "local", JsonValueKind.Null), (first.GetProperty("state").GetString(), first.GetProperty("executor").GetString(), first.GetProperty("estimate_left_s").ValueKind));
        Assert.Equal(new Dictionary<string, int> { ["running"] = 1, ["queued"] = 2, ["built"] = 0 }, Counts(first, "Raw", "running", "queued", "built"));
        Assert.Equal(new Dictionary<string, int> { ["waiting"] = 1 }, Counts(first, "Merged", "waiting"));
        var third = JsonDocument.Parse(seen[2]).RootElement;
        Assert.Equal(new Dictionary<string, int> { ["running"] = 1, ["queued"] = 0, ["built"] = 2 }, Counts(third, "Raw", "running", "queued", "built"));
        // Two tasks took 20 s; two nodes are left (one running, one waiting): about 20 s more.
        Assert.Equal(20, third.GetProperty("estimate_left_s").GetDouble());
        Assert.Equal(20, third.GetProperty("elapsed_s").GetDouble());
        var last = JsonDocument.Parse(_ws.Files.ReadAllText(".databuild/runs/1/progress.json")).RootElement;
        Assert.Equal("succeeded", last.GetProperty("state").GetString());
        Assert.Equal(new Dictionary<string, int> { ["built"] = 1, ["running"] = 0, ["waiting"] = 0 }, Counts(last, "Merged", "built", "running", "waiting"));
        Assert.False(_ws.Files.Exists(".databuild/runs/1/progress.json.tmp"));
    }

    [Fact]
    public async Task Status_shows_the_progress_of_a_driver_that_is_alive_and_ignores_one_that_ended_or_died()
    {
        var seen = new List<string>();
        await _ws.Build(PipelineModel.Load(new Watched(_ws, seen)), new BuildOptions { Selectors = [DataBuild.Graph.NodeSelector.Parse("Merged")] }, cores: 1);
        Assert.Null(LiveStatus.Running(_ws.Workspace)); // it ended

        _ws.Files.WriteAllText(".databuild/runs/1/progress.json", seen[2]); // as it was mid-run, and its pid is gone
        Assert.Null(LiveStatus.Running(_ws.Workspace));

        _ws.Files.WriteAllText($"/proc/{Environment.ProcessId}", ""); // its pid alive
        var progress = LiveStatus.Running(_ws.Workspace)!.Value;
        var shown = LiveStatus.Format(progress, _ws.Clock.UtcNow);

        Assert.Equal(
            $"Run 1 is running (pid {Environment.ProcessId} on {Environment.MachineName}, local): 20 s elapsed, about 20 s left\n" +
            "  \n" +
            "target  up to date       built     running      queued     waiting      failed\n" +
            "Raw              0           2           1           0           0           0\n" +
            "Merged           0           0           0           0           1           0\n" +
            "(as of 10 s ago)\n", shown);
    }
}

using NodeSelector = DataBuild.Graph.NodeSelector;
using System.Text.Json;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>The JSON a notify command reads on stdin when a build ends.</summary>
public sealed class RunSummaryTests : IDisposable
{
    private const string Token = "fritz-token-91e2";
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class HalfBroken : Pipeline
    {
        Target Raw => _ => _.PartitionedBy("quad", [0, 1, 2]).Output("raw/q{quad}").Executes("write", "{out}", "quad {quad}");

        Target Broken => _ => _.Secret("FRITZ_TOKEN").PartitionedBy("quad", [0, 1]).Output("broken/q{quad}").Executes("fail");
    }

    [Fact]
    public async Task A_failed_build_is_summarized_with_counts_per_target_and_each_failure_with_its_reason_and_log()
    {
        ((Dictionary<string, string?>)_ws.Workspace.Environment)["FRITZ_TOKEN"] = Token;
        var started = _ws.Clock.UtcNow;
        var outcome = await _ws.Build(PipelineModel.Load(new HalfBroken()), new BuildOptions { Selectors = [NodeSelector.Parse("Raw"), NodeSelector.Parse("Broken")], KeepGoing = true });
        _ws.Clock.Advance(TimeSpan.FromSeconds(12.5));

        var text = RunSummary.Of(outcome, 1, "./build.sh Raw Broken -k", started, _ws.Clock.UtcNow, _ws.Workspace);

        var json = JsonDocument.Parse(text).RootElement;
        Assert.Equal(("failed", 1, outcome.RunId, "./build.sh Raw Broken -k", 12.5),
            (json.GetProperty("result").GetString(), json.GetProperty("exit_code").GetInt32(), json.GetProperty("run_id").GetInt64(),
             json.GetProperty("command").GetString(), json.GetProperty("duration_s").GetDouble()));
        var targets = json.GetProperty("targets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => (t.GetProperty("nodes").GetInt32(), t.GetProperty("built").GetInt32(), t.GetProperty("failed").GetInt32()));
        Assert.Equal((3, 3, 0), targets["Raw"]);
        Assert.Equal((2, 0, 2), targets["Broken"]);
        var failure = json.GetProperty("failures").EnumerateArray().Single(f => f.GetProperty("node").GetString() == "Broken[quad=1]");
        Assert.Equal(("Broken", "quad=1"), (failure.GetProperty("target").GetString(), failure.GetProperty("partition").GetString()));
        Assert.StartsWith("exit code 1", failure.GetProperty("reason").GetString());
        Assert.Equal(_ws.Files.FullPath(".databuild/logs/Broken/quad=1.log"), failure.GetProperty("log").GetString());
        Assert.DoesNotContain(Token, text);
    }

    [Fact]
    public void A_build_skipped_because_the_lock_was_held_says_so_with_its_exit_code_and_message()
    {
        var text = RunSummary.Stopped("skipped", 75, "./build.sh Raw", _ws.Clock.UtcNow, _ws.Clock.UtcNow, _ws.Workspace, "error: Another DataBuild driver is using /x");

        var json = JsonDocument.Parse(text).RootElement;

        Assert.Equal(("skipped", 75, "error: Another DataBuild driver is using /x", 0),
            (json.GetProperty("result").GetString(), json.GetProperty("exit_code").GetInt32(), json.GetProperty("message").GetString(), json.GetProperty("targets").GetArrayLength()));
    }
}

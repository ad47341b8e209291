using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

/// <summary>The real ./build.sh on the fan-out workload (200 quads: 200 copies, 4 groups, 1 total) in a fresh directory.</summary>
public sealed class FanoutBuildTests : IDisposable
{
    private const int Quads = 200;
    private readonly FanoutWorkspace _ws = new(Quads);

    public void Dispose() => _ws.Dispose();

    private static string[] Sorted(IEnumerable<string> nodes) => nodes.Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task A_clean_build_runs_every_node_and_concatenates_every_quad()
    {
        var result = await _ws.Build();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Quads + 4 + 1, result.Built.Distinct().Count());
        Assert.Contains("FanoutAll", result.Built);
        Assert.Equal(string.Concat(Enumerable.Range(0, Quads).Select(q => $"quad {q}\n")), File.ReadAllText(_ws.File("all.txt")));
    }

    [Fact]
    public async Task Version_prints_the_engine_and_runtime_versions_and_builds_nothing()
    {
        var result = await Driver.RunAsync(_ws.Path, "--version");

        Assert.Equal(0, result.ExitCode);
        var line = Assert.Single(result.Stdout);
        Assert.Matches(@"^DataBuild \S+ \(\.NET 10\.", line);
        // ./build.sh publishes the program self-contained where it can (build/Build.csproj); on this test machine it
        // can, so "shared runtime" here means the trimmed, precompiled publish failed and build.sh fell back.
        if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier is "linux-x64" or "linux-arm64")
            Assert.EndsWith(", self-contained)", line);
        Assert.False(Directory.Exists(_ws.File(".databuild")));
    }

    [Fact]
    public async Task An_unknown_compile_mode_exits_with_2_and_names_the_modes()
    {
        var result = await Driver.RunAsync(_ws.Path, new Dictionary<string, string> { ["DATABUILD_COMPILE"] = "fastest" }, "--version");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("DATABUILD_COMPILE='fastest' is not a compile mode; use 'startup' (the default), 'quick' or 'native'.", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_rerun_prints_nothing_to_do()
    {
        await _ws.Build();

        var result = await _ws.Build();

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Built);
        Assert.Contains($"Nothing to do: all {Quads + 5} nodes are up to date", result.Output);
    }

    [Fact]
    public async Task A_build_saves_an_up_to_date_snapshot_that_answers_the_next_rerun_until_something_changes()
    {
        var cold = await _ws.Build();
        var answered = await _ws.Build(); // a cold build saves its snapshot too: its outputs known by the hashes it wrote
        var snapshots = Directory.GetFiles(_ws.File(".databuild/uptodate"));
        var before = File.ReadAllBytes(snapshots[0]);
        File.WriteAllText(_ws.Raw(70), "quad seventy\n");
        var afterEdit = await _ws.Build();
        var replaced = File.ReadAllBytes(snapshots[0]);
        var afterBuild = await _ws.Build();
        File.SetLastWriteTimeUtc(_ws.Raw(3), DateTime.UtcNow.AddMinutes(-5)); // touched: the same bytes
        var touched = await _ws.Build();

        Assert.Equal(0, cold.ExitCode);
        Assert.Equal(Quads + 5, cold.Built.Count);
        Assert.Single(snapshots);
        Assert.Equal(0, answered.ExitCode);
        Assert.Contains($"Nothing to do: all {Quads + 5} nodes are up to date", answered.Output);
        Assert.Matches(@"\(\d+\.\d\d s; \d+ files and directories unchanged since run 1 found them up to date\)", answered.Output);
        Assert.Equal(0, afterEdit.ExitCode);
        Assert.Equal(Sorted(["FanoutAll", "FanoutFeatures[group=1,quad=70]", "FanoutGroups[group=1]"]), Sorted(afterEdit.Built));
        Assert.NotEqual(before, replaced); // a run that writes the state replaces the snapshot
        // The build knew the one content of each file it wrote, so the next run is answered at once; so is a touch,
        // whose file is read to find the same bytes.
        Assert.Empty(afterBuild.Built);
        Assert.Contains("unchanged since run", afterBuild.Output);
        Assert.Empty(touched.Built);
        Assert.Contains("unchanged since run", touched.Output);
    }

    [Fact]
    public async Task DATABUILD_SNAPSHOT_0_always_checks_in_full()
    {
        await _ws.Build();
        await Task.Delay(300);
        await _ws.Build();

        var result = await Driver.RunAsync(_ws.Path, new Dictionary<string, string> { ["DATABUILD_SNAPSHOT"] = "0" }, "FanoutAll", "--fanout-quads", Quads.ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"Nothing to do: all {Quads + 5} nodes are up to date", result.Output);
        Assert.DoesNotContain("unchanged since run", result.Output);
    }

    [Fact]
    public async Task Touching_every_input_rebuilds_nothing()
    {
        await _ws.Build();
        var later = DateTime.UtcNow.AddSeconds(5);
        for (var q = 0; q < Quads; q++) File.SetLastWriteTimeUtc(_ws.Raw(q), later);

        var result = await _ws.Build();

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Built);
    }

    [Fact]
    public async Task Editing_one_raw_file_rebuilds_its_quad_its_group_and_the_total()
    {
        await _ws.Build();
        File.WriteAllText(_ws.Raw(70), "quad seventy\n");

        var result = await _ws.Build();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Sorted(["FanoutAll", "FanoutFeatures[group=1,quad=70]", "FanoutGroups[group=1]"]), Sorted(result.Built));
        Assert.Contains("quad seventy\n", File.ReadAllText(_ws.File("all.txt")));
    }

    [Fact]
    public async Task A_different_quad_count_builds_the_new_quad_and_what_depends_on_it()
    {
        await _ws.Build();
        File.WriteAllText(_ws.Raw(Quads), "quad 200\n");

        var result = await Driver.RunAsync(_ws.Path, "FanoutAll", "--fanout-quads", (Quads + 1).ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Sorted(["FanoutAll", FanoutWorkspace.FeaturesNode(Quads), "FanoutGroups[group=3]"]), Sorted(result.Built));
    }

    [Fact]
    public async Task Deleting_an_output_rebuilds_only_that_node()
    {
        await _ws.Build();
        File.Delete(_ws.File("features/q5"));

        var result = await _ws.Build();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([FanoutWorkspace.FeaturesNode(5)], result.Built);
        Assert.Equal("quad 5\n", File.ReadAllText(_ws.File("features/q5")));
    }

    [Fact]
    public async Task An_output_edited_by_hand_is_rebuilt_and_restored()
    {
        var first = await _ws.Build();
        Assert.True(first.ExitCode == 0, $"the first build failed ({first.ExitCode}):\n{string.Join("\n", first.Stdout)}\n{first.Stderr}");
        var original = File.ReadAllText(_ws.File("groups/g2"));
        File.WriteAllText(_ws.File("groups/g2"), "edited by hand\n");

        var result = await _ws.Build();

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["FanoutGroups[group=2]"], result.Built);
        Assert.Equal(original, File.ReadAllText(_ws.File("groups/g2")));
    }

    [Fact]
    public async Task A_plan_runs_nothing_and_says_what_would_run()
    {
        await _ws.Build();
        File.WriteAllText(_ws.Raw(3), "changed\n");

        var plan = await _ws.Build("--plan");
        var build = await _ws.Build();

        Assert.Equal(0, plan.ExitCode);
        Assert.Empty(plan.Built);
        Assert.Contains("Plan: 3 node(s) would run", plan.Output);
        Assert.Contains($"{FanoutWorkspace.FeaturesNode(3)}: input changed: file:raw/q3", plan.Output);
        Assert.Equal(3, build.Built.Count);
    }

    [Fact]
    public async Task An_unknown_target_exits_with_2_and_lists_the_targets()
    {
        var result = await Driver.RunAsync(_ws.Path, "FanoutAl");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: Unknown target 'FanoutAl'.", result.Stderr);
        Assert.Contains("FanoutAll", result.Stderr);
    }

    [Fact]
    public async Task An_unknown_option_exits_with_2_and_suggests_the_near_one()
    {
        var result = await Driver.RunAsync(_ws.Path, "FanoutAll", "--fanout-quad", "3");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: Unknown option --fanout-quad. Did you mean --fanout-quads?", result.Stderr);
    }

    /// <summary>
    /// The commands a user runs after a build, and parameters files, in the published program: it is trimmed
    /// (build/Build.csproj), so reflection that trimming would break shows here, not in the in-process unit tests.
    /// </summary>
    [Fact]
    public async Task After_a_build_status_why_graph_and_parameters_files_work_in_the_published_program()
    {
        var quads = Quads.ToString();
        await _ws.Build();
        File.WriteAllText(_ws.Raw(5), "quad five, edited\n");
        File.WriteAllText(_ws.File("params.yaml"), $"fanout-quads: {Quads}\n");
        File.WriteAllText(_ws.File("params.json"), $"{{\"fanout-quads\": {Quads}}}");

        var status = await Driver.RunAsync(_ws.Path, "status", "FanoutAll", "--fanout-quads", quads);
        var why = await Driver.RunAsync(_ws.Path, "why", FanoutWorkspace.FeaturesNode(5), "--fanout-quads", quads);
        var dot = await Driver.RunAsync(_ws.Path, "graph", "FanoutAll", "--fanout-quads", quads);
        var mermaid = await Driver.RunAsync(_ws.Path, "graph", "FanoutAll", "--format", "mermaid", "--fanout-quads", quads);
        var yaml = await Driver.RunAsync(_ws.Path, "FanoutAll", "--params", "params.yaml", "--plan");
        var json = await Driver.RunAsync(_ws.Path, "FanoutAll", "--params", "params.json", "--plan");

        Assert.All(new[] { status, why, dot, mermaid, yaml, json }, r => Assert.True(r.ExitCode == 0, r.Stderr));
        Assert.Matches(@"FanoutFeatures\s+199\s+1\s+0\s+0", status.Output);
        Assert.Matches(@"FanoutAll\s+0\s+1\s+0\s+0", status.Output);
        Assert.Contains("would rebuild:", why.Output);
        Assert.Contains("input changed: file:raw/q5", why.Output);
        Assert.Contains("\"FanoutGroups\" -> \"FanoutAll\";", dot.Output);
        Assert.StartsWith("flowchart LR", mermaid.Output);
        Assert.Contains("Plan: 3 node(s) would run", yaml.Output);
        Assert.Contains("Plan: 3 node(s) would run", json.Output);
    }
}

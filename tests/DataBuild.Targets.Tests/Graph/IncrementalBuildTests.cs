using DataBuild.Graph;
using DataBuild.Targets.Tests.Support;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.Graph;

public sealed class IncrementalBuildTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public IncrementalBuildTests() => QuadsPipeline.WriteInputs(_ws.Files);

    public void Dispose() => _ws.Dispose();

    private static readonly string[] AllNodes =
        ["Features[quad=0]", "Features[quad=1]", "Features[quad=2]", "Features[quad=3]", "Summary"];

    [Fact]
    public async Task A_build_that_never_ran_runs_every_node()
    {
        var outcome = await _ws.Build(new QuadsPipeline());

        Assert.True(outcome.Succeeded);
        Assert.Equal(AllNodes, outcome.BuiltNodes());
        Assert.All(outcome.Nodes, n => Assert.Equal([new NeverBuilt()], outcome.ReasonsOf(n)));
        Assert.Equal("quad 0\nquad 1\nquad 2\nquad 3\n", _ws.Files.ReadAllText("summary.txt"));
    }

    [Fact]
    public async Task A_second_build_finds_everything_up_to_date_and_reads_no_bytes()
    {
        await _ws.Build(new QuadsPipeline());
        var bytesBefore = _ws.Files.BytesRead;
        var runsBefore = _ws.Processes.Runs.Count;

        var outcome = await _ws.Build(new QuadsPipeline());

        Assert.Equal(AllNodes, outcome.Named(NodeState.UpToDate));
        Assert.Equal(bytesBefore, _ws.Files.BytesRead);
        Assert.Equal(0, outcome.BytesHashed);
        Assert.Equal(runsBefore, _ws.Processes.Runs.Count);
    }

    [Fact]
    public async Task Touching_an_input_without_changing_it_rebuilds_nothing()
    {
        await _ws.Build(new QuadsPipeline());
        _ws.Files.Touch("raw/q1");

        var outcome = await _ws.Build(new QuadsPipeline());

        Assert.Empty(outcome.BuiltNodes());
        Assert.Equal(AllNodes, outcome.Named(NodeState.UpToDate));
    }

    [Fact]
    public async Task Editing_one_input_rebuilds_exactly_its_dependents()
    {
        await _ws.Build(new QuadsPipeline());
        _ws.Files.WriteAllText("raw/q2", "quad two\n");

        var outcome = await _ws.Build(new QuadsPipeline());

        Assert.Equal(["Features[quad=2]", "Summary"], outcome.BuiltNodes());
        Assert.IsType<InputChanged>(Assert.Single(outcome.ReasonsOf(outcome.Node("Features[quad=2]"))));
        Assert.Equal([new UpstreamChanged("Features[quad=2]")], outcome.ReasonsOf(outcome.Node("Summary")));
        Assert.Equal("quad 0\nquad 1\nquad two\nquad 3\n", _ws.Files.ReadAllText("summary.txt"));
    }

    [Fact]
    public async Task An_input_rewritten_within_a_timestamp_tick_of_being_hashed_is_read_again_by_the_next_build()
    {
        // The first build hashes raw/q2 10 ms after it was written. Where timestamps are that coarse, rewriting it in
        // that tick at the same size leaves size, mtime, ctime and inode as they were (git's "racy clean").
        var written = DateTimeOffset.UnixEpoch.AddTicks(_ws.Files.Stat("raw/q2")!.Value.CtimeNs / 100);
        _ws.SetClock(written.AddMilliseconds(10));
        await _ws.Build(new QuadsPipeline());
        _ws.Files.RewriteKeepingStat("raw/q2", "quad 9\n"u8.ToArray());

        _ws.SetClock(written.AddMinutes(5));
        var outcome = await _ws.Build(new QuadsPipeline());

        Assert.Equal(["Features[quad=2]", "Summary"], outcome.BuiltNodes());
        Assert.Equal("quad 0\nquad 1\nquad 9\nquad 3\n", _ws.Files.ReadAllText("summary.txt"));

        // Read long after its write, the file is in the stat cache again: the next build reads no bytes.
        var bytes = _ws.Files.BytesRead;
        Assert.Empty((await _ws.Build(new QuadsPipeline())).BuiltNodes());
        Assert.Equal(bytes, _ws.Files.BytesRead);
    }

    [Fact]
    public async Task Changing_a_parameter_rebuilds_with_ParametersChanged()
    {
        await _ws.Build(new QuadsPipeline(scale: "1"));

        var outcome = await _ws.Build(new QuadsPipeline(scale: "2"));

        Assert.Equal(["Summary"], outcome.BuiltNodes());
        Assert.Equal([new ParametersChanged("scale", "1", "2")], outcome.ReasonsOf(outcome.Node("Summary")));
    }

    [Fact]
    public async Task Deleting_an_output_rebuilds_it_with_OutputMissing()
    {
        await _ws.Build(new QuadsPipeline());
        _ws.Files.Delete("features/q3");

        var outcome = await _ws.Build(new QuadsPipeline());

        Assert.Equal(["Features[quad=3]"], outcome.BuiltNodes());
        Assert.Equal([new OutputMissing("features/q3")], outcome.ReasonsOf(outcome.Node("Features[quad=3]")));
        Assert.Equal(NodeState.UpToDate, outcome.Node("Summary").State); // rebuilt to the same bytes
    }

    [Fact]
    public async Task Editing_an_output_by_hand_rebuilds_it_with_OutputModified()
    {
        await _ws.Build(new QuadsPipeline());
        _ws.Files.WriteAllText("summary.txt", "edited by hand");

        var outcome = await _ws.Build(new QuadsPipeline());

        Assert.Equal(["Summary"], outcome.BuiltNodes());
        Assert.Equal([new OutputModified("summary.txt")], outcome.ReasonsOf(outcome.Node("Summary")));
        Assert.Equal("quad 0\nquad 1\nquad 2\nquad 3\n", _ws.Files.ReadAllText("summary.txt"));
    }

    [Fact]
    public async Task An_upstream_rebuilt_to_identical_bytes_leaves_its_dependents_up_to_date()
    {
        _ws.Files.WriteAllText("raw.txt", "value");
        await _ws.Build(new TrimPipeline(_ws.Files));
        _ws.Files.WriteAllText("raw.txt", "  value \n");

        var outcome = await _ws.Build(new TrimPipeline(_ws.Files));

        Assert.Equal(["Trimmed"], outcome.BuiltNodes());
        Assert.Equal(NodeState.UpToDate, outcome.Node("Report").State);
    }

    [Fact]
    public async Task A_plan_writes_nothing_and_says_dependents_wait_for_pending_upstream()
    {
        await _ws.Build(new QuadsPipeline());
        _ws.Files.WriteAllText("raw/q0", "changed\n");
        var nodesBefore = _ws.State.LoadNodes();
        var runsBefore = _ws.Processes.Runs.Count;

        var outcome = await _ws.Plan(new QuadsPipeline());

        Assert.Equal(["Features[quad=0]", "Summary"], outcome.Named(NodeState.WouldRun));
        Assert.Equal([new UpstreamChanged("Features[quad=0]", Pending: true)], outcome.ReasonsOf(outcome.Node("Summary")));
        Assert.Equal(runsBefore, _ws.Processes.Runs.Count);
        Assert.Equal("quad 0\n", _ws.Files.ReadAllText("features/q0"));
        Assert.Equal(nodesBefore, _ws.State.LoadNodes());
    }

    [Fact]
    public async Task A_plan_of_a_build_that_never_ran_creates_no_files()
    {
        var filesBefore = _ws.Files.ListFiles("");

        var outcome = await _ws.Plan(new QuadsPipeline());

        Assert.Equal(AllNodes, outcome.Named(NodeState.WouldRun));
        Assert.Equal(filesBefore, _ws.Files.ListFiles(""));
        Assert.Empty(_ws.Processes.Runs);
    }

    [Fact]
    public async Task A_missing_input_fails_its_node_with_the_path_and_a_hint()
    {
        _ws.Files.Delete("raw/q1");

        var outcome = await _ws.Build(new QuadsPipeline(), "Features");

        var node = outcome.Node("Features[quad=1]");
        Assert.Equal(NodeState.Failed, node.State);
        Assert.Contains("input 'raw' does not exist: raw/q1", node.Error);
    }

    [Fact]
    public async Task A_partition_selector_builds_only_the_matching_partitions()
    {
        var outcome = await _ws.Build(new QuadsPipeline(), "Features[quad=1]");

        Assert.Equal(["Features[quad=1]"], outcome.BuiltNodes());
    }
}

using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.State;
using DataBuild.Targets.Tests.Support;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.UpToDate;

public sealed class UpToDateSnapshotTests
{
    /// <summary>
    /// Every kind of declaration the snapshot must re-evaluate: partitions and a per-partition parameter computed by
    /// pipeline code that reads files behind DataBuild's back, a constant parameter, an environment variable, a glob,
    /// dynamic partitions, a mapped dependency and an aggregate without a task.
    /// </summary>
    private sealed class Survey(InMemoryFileSystem files, string scale = "1") : Pipeline
    {
        Target Fields => _ => _
            .Partitions(() => files.ReadAllText("fields.txt").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(f => Key(("field", f))))
            .Input("raw", "raw/{field}.txt")
            .Parameter("scale", scale)
            .Parameter("note", k => files.Exists($"notes/{k["field"]}") ? files.ReadAllText($"notes/{k["field"]}") : "")
            .Environment("SURVEY_RELEASE")
            .Output("fields/{field}.txt")
            .Executes("cp", "{in:raw}", "{out}");

        Target Catalog => _ => _
            .DependsOn(Fields)
            .InputGlob("extra", "extra/*.txt")
            .Output("catalog.txt")
            .Executes("cat", "{out}", "{deps:Fields}");

        Target Items => _ => _
            .PartitionsFrom(Catalog, src => files.ReadAllText(src.Output()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Key(("item", l))))
            .DependsOn(Fields, k => [Key(("field", k["item"]))])
            .Output("items/{item}.txt")
            .Executes("write", "{out}", "{item}");

        Target Release => _ => _
            .DependsOn(Catalog, Items);
    }

    private static readonly string[] Arguments = ["Release", "-j", "4"];

    private static TestWorkspace Workspace()
    {
        var w = new TestWorkspace();
        w.Files.WriteAllText("fields.txt", "296 297");
        w.Files.WriteAllText("raw/296.txt", "296\n");
        w.Files.WriteAllText("raw/297.txt", "297\n");
        w.Files.WriteAllText("extra/a.txt", "a");
        ((Dictionary<string, string?>)w.Workspace.Environment)["SURVEY_RELEASE"] = "dr1";
        return w;
    }

    /// <summary>What <c>./build.sh</c> does: a build that records its observations, then the snapshot if it was a no-op.</summary>
    private static async Task<(BuildOutcome Outcome, string? WhyNot)> BuildAndSnapshot(TestWorkspace w, Pipeline pipeline,
        string[]? arguments = null, DateTimeOffset? startedAt = null)
    {
        var witnessing = new WitnessingFileSystem(w.Files);
        var started = startedAt ?? w.Clock.UtcNow;
        using var executor = new LocalExecutor(new NodeRunner(w.Files, w.Processes, w.Clock), 4, 1 << 20, 0);
        var options = new BuildOptions { Selectors = [NodeSelector.Parse("Release")] };
        var outcome = await new BuildSession(PipelineModel.Load(pipeline), w.Workspace with { FileSystem = witnessing }, w.State, executor,
            SilentReporter.Instance, options).RunAsync(CancellationToken.None);
        return (outcome, UpToDateSnapshot.Save(w.Workspace, arguments ?? Arguments, outcome.Succeeded, outcome.Nodes, outcome.Targets, witnessing.Witnesses(), started, outcome.RunId, ["Release outputs (1): catalog.txt"]));
    }

    private static UpToDateSnapshot? Answer(TestWorkspace w, Pipeline pipeline, string[]? arguments = null) =>
        UpToDateSnapshot.TryLoad(PipelineModel.Load(pipeline), w.Workspace, arguments ?? Arguments, [NodeSelector.Parse("Release")]);

    [Fact]
    public async Task A_no_op_build_saves_a_snapshot_that_answers_the_same_command_with_the_same_counts()
    {
        using var w = Workspace();
        var (first, firstWhyNot) = await BuildAndSnapshot(w, new Survey(w.Files));
        Assert.True(first.Succeeded);
        Assert.Equal(["Catalog", "Fields[field=296]", "Fields[field=297]", "Items[item=296]", "Items[item=297]"], first.BuiltNodes());
        Assert.StartsWith("5 of 6 nodes were built", firstWhyNot);
        Assert.Null(Answer(w, new Survey(w.Files)));

        var (noOp, whyNot) = await BuildAndSnapshot(w, new Survey(w.Files));
        Assert.Empty(noOp.BuiltNodes());
        Assert.Null(whyNot);

        var snapshot = Answer(w, new Survey(w.Files));
        Assert.NotNull(snapshot);
        Assert.Equal(noOp.Nodes.Count, snapshot.NodeCount);
        Assert.Equal(noOp.Targets.Select(t => new UpToDateSnapshot.TargetCount(t.Name, t.Nodes.Count)), snapshot.Rows);
        Assert.Equal(["Release outputs (1): catalog.txt"], snapshot.OutputLines);
        Assert.Equal(noOp.RunId, snapshot.RunId);
    }

    [Theory]
    [InlineData("an input touched")]
    [InlineData("an output deleted")]
    [InlineData("an output edited")]
    [InlineData("a partition listed by pipeline code")]
    [InlineData("a parameter computed by pipeline code")]
    [InlineData("a constant parameter")]
    [InlineData("an environment variable")]
    [InlineData("a file matching a glob")]
    [InlineData("another command line")]
    public async Task Anything_a_full_build_would_notice_makes_the_snapshot_decline(string change)
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        Assert.Null((await BuildAndSnapshot(w, new Survey(w.Files))).WhyNot);
        var pipeline = new Survey(w.Files);
        var arguments = Arguments;
        switch (change)
        {
            case "an input touched": w.Files.Touch("raw/296.txt"); break;
            case "an output deleted": w.Files.Delete("items/297.txt"); break;
            case "an output edited": w.Files.WriteAllText("fields/296.txt", "hand edit\n"); break;
            case "a partition listed by pipeline code": w.Files.WriteAllText("fields.txt", "296 297 298"); break;
            case "a parameter computed by pipeline code": w.Files.WriteAllText("notes/297", "recalibrated"); break;
            case "a constant parameter": pipeline = new Survey(w.Files, scale: "2"); break;
            case "an environment variable": ((Dictionary<string, string?>)w.Workspace.Environment)["SURVEY_RELEASE"] = "dr2"; break;
            case "a file matching a glob": w.Files.WriteAllText("extra/b.txt", "b"); break;
            case "another command line": arguments = ["Release", "-j", "2"]; break;
        }

        Assert.Null(Answer(w, pipeline, arguments));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(777)]
    [InlineData(1499)]
    public async Task Witnesses_are_checked_in_chunks_by_several_threads_and_every_chunk_counts(int touched)
    {
        // 1500 fields: about 3000 witnesses, several chunks shared between the reading thread and the caller.
        using var w = Workspace();
        var fields = Enumerable.Range(0, 1500).Select(i => $"f{i}").ToList();
        w.Files.WriteAllText("fields.txt", string.Join(' ', fields));
        foreach (var f in fields) w.Files.WriteAllText($"raw/{f}.txt", f + "\n");
        await BuildAndSnapshot(w, new Survey(w.Files));
        Assert.Null((await BuildAndSnapshot(w, new Survey(w.Files))).WhyNot);
        Assert.NotNull(Answer(w, new Survey(w.Files)));

        w.Files.Touch($"raw/f{touched}.txt");

        Assert.Null(Answer(w, new Survey(w.Files)));
    }

    [Fact]
    public async Task After_a_change_the_full_build_rebuilds_it_and_the_next_no_op_is_answered_again()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        await BuildAndSnapshot(w, new Survey(w.Files));
        w.Files.WriteAllText("notes/297", "recalibrated");
        Assert.Null(Answer(w, new Survey(w.Files)));

        var (rebuilt, whyNot) = await BuildAndSnapshot(w, new Survey(w.Files));
        Assert.Equal(["Fields[field=297]"], rebuilt.BuiltNodes()); // same bytes out: early cutoff stops it there
        Assert.Null(whyNot); // saved, with the rebuilt node to re-check: not a no-op answer yet
        Assert.Null(Answer(w, new Survey(w.Files)));
        Assert.Null((await BuildAndSnapshot(w, new Survey(w.Files))).WhyNot);
        Assert.NotNull(Answer(w, new Survey(w.Files)));
    }

    [Fact]
    public async Task The_prefetch_thread_opens_the_workspace_itself_and_one_it_cannot_open_declines()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        await BuildAndSnapshot(w, new Survey(w.Files));
        var requested = new[] { NodeSelector.Parse("Release") };

        using (var pending = UpToDateSnapshot.Prefetch(() => w.Workspace, Arguments))
        {
            Assert.Same(w.Workspace, pending.Workspace);
            Assert.NotNull(UpToDateSnapshot.TryLoad(PipelineModel.Load(new Survey(w.Files)), w.Workspace, pending, requested));
        }
        using (var failing = UpToDateSnapshot.Prefetch(() => throw new FileNotFoundException("the working directory is gone"), Arguments))
        {
            Assert.Null(failing.Workspace); // the caller opens it again, and reports why it cannot
            Assert.Null(UpToDateSnapshot.TryLoad(PipelineModel.Load(new Survey(w.Files)), w.Workspace, failing, requested));
        }
    }

    [Fact]
    public async Task A_damaged_snapshot_is_declined_without_an_error()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        await BuildAndSnapshot(w, new Survey(w.Files));
        var path = UpToDateSnapshot.PathFor(w.Workspace, Arguments);
        byte[] bytes;
        using (var stream = w.Files.OpenRead(path)) { var copy = new MemoryStream(); stream.CopyTo(copy); bytes = copy.ToArray(); }
        Assert.NotNull(Answer(w, new Survey(w.Files)));

        w.Files.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Null(Answer(w, new Survey(w.Files)));
        w.Files.WriteAllBytes(path, [.. bytes[..^1], (byte)(bytes[^1] ^ 0xff)]);
        Assert.Null(Answer(w, new Survey(w.Files)));
    }

    [Fact]
    public async Task Pipeline_code_that_now_throws_is_left_to_the_full_build_to_report()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        await BuildAndSnapshot(w, new Survey(w.Files));
        w.Files.Delete("fields.txt"); // Fields' partition code now throws FileNotFoundException

        Assert.Null(Answer(w, new Survey(w.Files)));
    }

    [Fact]
    public async Task Files_changed_within_a_timestamp_tick_of_the_build_are_not_trusted()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        // The build starts at the very time the outputs were written: a rewrite in the same tick could look unchanged.
        var newest = w.Files.Stat("items/297.txt")!.Value.CtimeNs;

        var (_, whyNot) = await BuildAndSnapshot(w, new Survey(w.Files), startedAt: DateTimeOffset.FromUnixTimeMilliseconds(newest / 1_000_000));

        Assert.Matches("less than 0.1 s before it started", whyNot);
        Assert.Null(Answer(w, new Survey(w.Files)));
    }

    [Fact]
    public async Task The_declared_part_of_a_task_key_is_the_same_whether_computed_with_the_files_or_without()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        var model = PipelineModel.Load(new Survey(w.Files));
        var hasher = new DataBuild.UpToDate.FileHasher(w.Files, new Dictionary<string, FileRecord>());
        var signatures = new DataBuild.UpToDate.SignatureBuilder(hasher, new DataBuild.UpToDate.ToolIdentity(w.Processes, hasher, "/"), w.Workspace.Environment);
        var node = new Node(0, model.Get("Fields"), PartitionKey.Of(("field", "296")));

        w.Files.WriteAllText("notes/297", "recalibrated");

        var full = signatures.Build(node, [node]);

        Assert.Equal(full.Declared, signatures.DeclaredHash(node.Target, node.Partition));
        Assert.NotEqual(full.Declared, signatures.DeclaredHash(node.Target, PartitionKey.Of(("field", "297")))); // its note differs
    }
}

using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.State;
using DataBuild.Targets.Tests.Support;
using DataBuild.Testing;
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
        string[]? arguments = null, DateTimeOffset? startedAt = null, Func<string, FileHasher.Learned?, FileHasher.Learned?>? learned = null)
    {
        var witnessing = new WitnessingFileSystem(w.Files);
        var started = startedAt ?? w.Clock.UtcNow;
        using var executor = new LocalExecutor(new NodeRunner(w.Files, w.Processes, w.Clock), 4, 1 << 20, 0);
        var options = new BuildOptions { Selectors = [NodeSelector.Parse("Release")] };
        var session = new BuildSession(PipelineModel.Load(pipeline), w.Workspace with { FileSystem = witnessing }, w.State, executor,
            SilentReporter.Instance, options);
        var outcome = await session.RunAsync(CancellationToken.None);
        // A build started at a given moment is saved at that moment too (on disk, milliseconds after its last write).
        var saving = startedAt is { } at ? w.Workspace with { Clock = new FakeClock(at) } : w.Workspace;
        return (outcome, UpToDateSnapshot.Save(saving, arguments ?? Arguments, outcome.Succeeded, outcome.Nodes, outcome.Targets, witnessing.Witnesses(), started, outcome.RunId,
            ["Release outputs (1): catalog.txt"], learned: learned is null ? session.Hasher.LearnedOf : path => learned(path, session.Hasher.LearnedOf(path))));
    }

    private static UpToDateSnapshot? Answer(TestWorkspace w, Pipeline pipeline, string[]? arguments = null) =>
        Check(w, pipeline, arguments).UpToDate;

    private static UpToDateSnapshot.Answer Check(TestWorkspace w, Pipeline pipeline, string[]? arguments = null)
    {
        using var pending = UpToDateSnapshot.Prefetch(w.Workspace, arguments ?? Arguments);
        return UpToDateSnapshot.Check(PipelineModel.Load(pipeline), w.Workspace, pending, [NodeSelector.Parse("Release")]);
    }

    /// <summary>The snapshot neither answers nor declines: it keeps the verdicts of the nodes that need no re-check.</summary>
    private static void AssertSomeNodesReChecked(TestWorkspace w)
    {
        var answer = Check(w, new Survey(w.Files));
        Assert.Null(answer.UpToDate);
        Assert.NotNull(answer.Prior);
    }

    /// <summary>
    /// An answer and the bytes it read beyond the snapshot: the files the Survey's pipeline code reads to declare its
    /// partitions (every check reads those), and the files read to check their content.
    /// </summary>
    private static (UpToDateSnapshot.Answer Answer, long BytesRead) CheckCountingReads(TestWorkspace w, Pipeline pipeline)
    {
        var snapshotBytes = w.Files.Stat(UpToDateSnapshot.PathFor(w.Workspace, Arguments))!.Value.Size;
        var before = w.Files.BytesRead;
        var answer = Check(w, pipeline);
        return (answer, w.Files.BytesRead - before - snapshotBytes);
    }

    [Fact]
    public async Task A_build_saves_a_snapshot_that_answers_the_same_command_with_the_same_counts()
    {
        using var w = Workspace();
        var (first, firstWhyNot) = await BuildAndSnapshot(w, new Survey(w.Files));
        Assert.True(first.Succeeded);
        Assert.Equal(["Catalog", "Fields[field=296]", "Fields[field=297]", "Items[item=296]", "Items[item=297]"], first.BuiltNodes());
        // A cold build too: the first no-op after it is answered by the snapshot (its outputs by the hashes it wrote).
        Assert.Null(firstWhyNot);
        var afterCold = Answer(w, new Survey(w.Files));
        Assert.NotNull(afterCold);
        Assert.Equal(first.Nodes.Count, afterCold.NodeCount);
        Assert.Equal(first.RunId, afterCold.RunId);

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

    [Fact]
    public async Task Without_the_builds_content_hashes_built_nodes_are_re_checked_first()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        await BuildAndSnapshot(w, new Survey(w.Files));
        w.Files.WriteAllText("notes/297", "recalibrated");

        var (rebuilt, whyNot) = await BuildAndSnapshot(w, new Survey(w.Files), learned: (_, _) => null);

        Assert.Equal(["Fields[field=297]"], rebuilt.BuiltNodes());
        Assert.Null(whyNot);
        AssertSomeNodesReChecked(w);
    }

    [Fact]
    public async Task A_touched_input_holds_by_its_content_and_the_refreshed_snapshot_trusts_its_new_stat()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        await BuildAndSnapshot(w, new Survey(w.Files));
        var declaring = CheckCountingReads(w, new Survey(w.Files)).BytesRead;
        w.Files.Touch("raw/296.txt");

        var (touched, read) = CheckCountingReads(w, new Survey(w.Files));
        Assert.NotNull(touched.UpToDate); // as a full check: the same bytes make the same task key
        Assert.Equal(declaring + 4, read); // the touched file ("296\n"), and only it, was read
        Assert.NotNull(touched.Refreshed);
        Assert.Null(UpToDateSnapshot.Write(w.Workspace, Arguments, touched.Refreshed));

        var (again, readAgain) = CheckCountingReads(w, new Survey(w.Files));
        Assert.NotNull(again.UpToDate);
        Assert.Null(again.Refreshed);
        Assert.Equal(declaring, readAgain);
    }

    [Theory]
    [InlineData("an input rewritten")]
    [InlineData("an input rewritten at the same size")]
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
            case "an input rewritten": w.Files.WriteAllText("raw/296.txt", "296 recalibrated\n"); break;
            case "an input rewritten at the same size": w.Files.WriteAllText("raw/296.txt", "29x\n"); break;
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

        w.Files.WriteAllText($"raw/f{touched}.txt", "edited\n");

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
        Assert.Null(whyNot);
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
    public async Task Files_changed_within_a_timestamp_tick_of_the_build_are_trusted_by_their_content_only()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        // The build starts at the very time the outputs were written: a rewrite in the same tick could look unchanged.
        var newest = w.Files.Stat("items/297.txt")!.Value.CtimeNs;
        var startedAt = DateTimeOffset.FromUnixTimeMilliseconds(newest / 1_000_000);
        Assert.Null((await BuildAndSnapshot(w, new Survey(w.Files), startedAt: startedAt)).WhyNot);
        var saved = ((IFileSystem)w.Files).ReadAllBytes(UpToDateSnapshot.PathFor(w.Workspace, Arguments));

        // Read while racy: the content is what the verdicts rest on. This check runs long after (the workspace's clock):
        // the refreshed snapshot trusts the stats again, and the next check reads only what pipeline code reads.
        var (first, read) = CheckCountingReads(w, new Survey(w.Files));
        Assert.NotNull(first.UpToDate);
        Assert.NotNull(first.Refreshed);
        Assert.Null(UpToDateSnapshot.Write(w.Workspace, Arguments, first.Refreshed));
        var declaring = CheckCountingReads(w, new Survey(w.Files)).BytesRead;
        Assert.True(read > declaring + 8, $"{read} bytes read with racy witnesses, {declaring} without"); // raw/, fields/, items/, catalog.txt

        // The racy snapshot again, and a rewrite its stats cannot see: the content can.
        w.Files.WriteAllBytes(UpToDateSnapshot.PathFor(w.Workspace, Arguments), saved);
        var rewritten = ((IFileSystem)w.Files).ReadAllBytes("items/297.txt");
        rewritten[0] ^= 1;
        w.Files.RewriteKeepingStat("items/297.txt", rewritten);
        Assert.Null(Answer(w, new Survey(w.Files)));
    }

    [Fact]
    public async Task A_file_the_build_saw_with_two_contents_is_not_trusted_by_content()
    {
        using var w = Workspace();
        await BuildAndSnapshot(w, new Survey(w.Files));
        var newest = w.Files.Stat("items/297.txt")!.Value.CtimeNs;
        var startedAt = DateTimeOffset.FromUnixTimeMilliseconds(newest / 1_000_000);

        // As if items/297.txt changed while the build ran: its nodes are re-checked, not trusted by either content.
        var (_, whyNot) = await BuildAndSnapshot(w, new Survey(w.Files), startedAt: startedAt,
            learned: (path, known) => path == "items/297.txt" && known is { } k ? k with { Conflicting = true } : known);

        Assert.Null(whyNot);
        AssertSomeNodesReChecked(w);
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

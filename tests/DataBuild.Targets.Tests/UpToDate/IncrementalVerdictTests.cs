using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.UpToDate;

/// <summary>
/// A build whose snapshot found some witnesses changed re-checks only the nodes the change reaches
/// (<see cref="PriorVerdicts"/>); these tests hold it to the full check's answer, node by node.
/// </summary>
public sealed class IncrementalVerdictTests
{
    /// <summary>The quad fan-out workload's shape (bench/run.sh): quads copied, concatenated by group, then all groups.</summary>
    private sealed class Fanout(int quads, string mode = "copy") : Pipeline
    {
        Target Features => _ => _
            .Partitions(() => Enumerable.Range(0, quads).Select(q => Key("group", q / 8, "quad", q)))
            .Input("raw", "raw/q{quad}")
            .Parameter("mode", mode)
            .Output("features/q{quad}")
            .Executes("cp", "{in:raw}", "{out}");

        Target Groups => _ => _
            .DependsOn(Features)
            .Partitions(() => Enumerable.Range(0, (quads + 7) / 8).Select(g => Key("group", g)))
            .Output("groups/g{group}")
            .Executes("cat", "{out}", "{deps:Features}");

        Target All => _ => _
            .DependsOn(Groups)
            .Output("all.txt")
            .Executes("cat", "{out}", "{deps:Groups}");
    }

    /// <summary>
    /// The example pipelines' kinds of declarations: partitions listed from a directory by pipeline code, a
    /// per-partition parameter read from a file by pipeline code, a constant parameter, a glob, dynamic partitions from
    /// a catalog, a mapped dependency and an aggregate without a task.
    /// </summary>
    private sealed class Survey(InMemoryFileSystem files, string scale = "1") : Pipeline
    {
        Target Fields => _ => _
            .Partitions(() => files.ListFiles("raw").Select(f => Key(("field", f))))
            .Input("raw", "raw/{field}")
            .Parameter("scale", scale)
            .Parameter("note", k => files.Exists($"notes/{k["field"]}") ? files.ReadAllText($"notes/{k["field"]}") : "")
            .Output("fields/{field}")
            .Executes("cp", "{in:raw}", "{out}");

        Target Catalog => _ => _
            .DependsOn(Fields)
            .InputGlob("extra", "extra/*.txt")
            .Output("catalog.txt")
            .Executes("cat", "{out}", "{deps:Fields}");

        Target Items => _ => _
            .PartitionsFrom(Catalog, src => files.ReadAllText(src.Output()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('f')).Select(l => Key(("item", l))))
            .DependsOn(Fields, k => [Key(("field", k["item"]))])
            .Output("items/{item}")
            .Executes("write", "{out}", "{item}");

        Target Summary => _ => _
            .DependsOn(Fields)
            .Input("config", "survey.cfg")
            .Output("summary.txt")
            .Executes("cat", "{out}", "{in:config}", "{deps:Fields}");

        Target Release => _ => _
            .DependsOn(Catalog, Items, Summary);
    }

    /// <summary>
    /// The sweep example's shape: runs listed from a plan another target writes, each run's configuration read from
    /// that plan by pipeline code that reads it once and keeps it.
    /// </summary>
    private sealed class Sweep(InMemoryFileSystem files) : Pipeline
    {
        private Dictionary<string, string>? _configs;

        Target Plan => _ => _
            .Input("defaults", "defaults.txt")
            .Output("plan.txt")
            .Executes("cp", "{in:defaults}", "{out}");

        Target Runs => _ => _
            .PartitionsFrom(Plan, src => Lines(files.ReadAllText(src.Output())).Select(l => Key(("run", l.Split('=')[0]))))
            .Parameter("config", k => (_configs ??= Lines(files.ReadAllText("plan.txt")).ToDictionary(l => l.Split('=')[0], l => l.Split('=')[1]))[k["run"]])
            .Output("runs/{run}")
            .Executes("write", "{out}", "{run}");

        private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static readonly string[] Arguments = ["Release"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Incremental_verdicts_equal_a_full_check_over_random_edits_of_the_fan_out_workload(int seed)
    {
        using var w = new TestWorkspace();
        const int quads = 40;
        for (var q = 0; q < quads; q++) w.Files.WriteAllText($"raw/q{q}", $"{q}\n");
        var mode = "copy";
        var random = new Random(seed);
        var edits = new List<string>();
        var incremental = await Run(w, () => new Fanout(quads, mode), "All", seed, edits, () =>
        {
            var q = random.Next(quads);
            switch (random.Next(7))
            {
                case 0: w.Files.WriteAllText($"raw/q{q}", $"{q} edited {random.Next()}\n"); return $"raw/q{q} edited";
                case 1: w.Files.Touch($"raw/q{q}"); return $"raw/q{q} touched";
                case 2: w.Files.WriteAllText($"features/q{q}", "hand edit\n"); return $"features/q{q} edited";
                case 3: w.Files.Delete($"groups/g{q / 8}"); return $"groups/g{q / 8} deleted";
                case 4: mode = mode == "copy" ? "link" : "copy"; return $"parameter mode={mode}";
                case 5:
                    w.Files.Touch($"raw/q{q}");
                    w.Files.WriteAllText($"raw/q{(q + 13) % quads}", $"both {random.Next()}\n");
                    return $"raw/q{q} touched and raw/q{(q + 13) % quads} edited";
                default: return "nothing";
            }
        });
        Assert.True(incremental > 10, $"seed {seed}: only {incremental} of 40 steps were answered incrementally");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task Incremental_verdicts_equal_a_full_check_over_random_edits_of_a_survey_pipeline(int seed)
    {
        using var w = new TestWorkspace();
        var fields = Enumerable.Range(0, 12).Select(i => $"f{i}").ToList();
        foreach (var f in fields) w.Files.WriteAllText($"raw/{f}", f + "\n");
        w.Files.WriteAllText("extra/a.txt", "a");
        w.Files.WriteAllText("survey.cfg", "v1");
        var scale = "1";
        var random = new Random(seed);
        var edits = new List<string>();
        var next = 100;
        var incremental = await Run(w, () => new Survey(w.Files, scale), "Release", seed, edits, () =>
        {
            var listed = w.Files.ListFiles("raw");
            var f = listed[random.Next(listed.Count)];
            switch (random.Next(11))
            {
                case 0: w.Files.WriteAllText($"raw/{f}", $"{f}\n# {random.Next()}\n"); return $"raw/{f} edited";
                case 1: w.Files.Touch($"raw/{f}"); return $"raw/{f} touched";
                case 2: w.Files.WriteAllText($"raw/f{next}", $"f{next}\n"); return $"raw/f{next++} added to a listed directory";
                case 3 when listed.Count > 3: w.Files.Delete($"raw/{f}"); return $"raw/{f} deleted from a listed directory";
                case 4: w.Files.WriteAllText($"notes/{f}", $"note {random.Next(3)}"); return $"notes/{f} written (a per-partition parameter)";
                case 5: scale = scale == "1" ? "2" : "1"; return $"parameter scale={scale}";
                case 6: w.Files.WriteAllText($"extra/{random.Next(3)}.txt", $"{random.Next()}"); return "a file matching a glob written";
                case 7: w.Files.WriteAllText("survey.cfg", $"v{random.Next(3)}"); return "survey.cfg written";
                case 8: w.Files.WriteAllText($"fields/{f}", "hand edit\n"); return $"fields/{f} edited";
                case 9: w.Files.Touch("survey.cfg"); return "survey.cfg touched";
                default: return "nothing";
            }
        });
        Assert.True(incremental > 5, $"seed {seed}: only {incremental} of 40 steps were answered incrementally");
    }

    [Fact]
    public async Task An_edited_input_re_checks_only_its_own_chain_and_keeps_every_other_verdict()
    {
        using var w = new TestWorkspace();
        for (var q = 0; q < 40; q++) w.Files.WriteAllText($"raw/q{q}", $"{q}\n");
        await BuildAndSnapshot(w, new Fanout(40), "All", null);
        await BuildAndSnapshot(w, new Fanout(40), "All", Check(w, new Fanout(40)).Prior);

        w.Files.WriteAllText("raw/q7", "edited\n");
        var prior = Check(w, new Fanout(40)).Prior;
        Assert.NotNull(prior);
        var (outcome, _) = await BuildAndSnapshot(w, new Fanout(40), "All", prior);

        Assert.Equal(["All", "Features[group=0,quad=7]", "Groups[group=0]"], outcome.BuiltNodes());
        Assert.Equal(3, prior.Rechecked);
        Assert.Equal(40 + 5 + 1 - 3, prior.Kept);
    }

    [Fact]
    public async Task After_a_build_that_ran_tasks_the_next_run_is_answered_by_the_snapshot()
    {
        using var w = new TestWorkspace();
        for (var q = 0; q < 40; q++) w.Files.WriteAllText($"raw/q{q}", $"{q}\n");
        await BuildAndSnapshot(w, new Fanout(40), "All", null);
        await BuildAndSnapshot(w, new Fanout(40), "All", null);
        w.Files.WriteAllText("raw/q7", "edited\n");
        var (outcome, whyNot) = await BuildAndSnapshot(w, new Fanout(40), "All", Check(w, new Fanout(40)).Prior);

        Assert.Equal(["All", "Features[group=0,quad=7]", "Groups[group=0]"], outcome.BuiltNodes());
        Assert.Null(whyNot);
        Assert.NotNull(Check(w, new Fanout(40)).UpToDate);
    }

    [Fact]
    public async Task Partitions_discovered_anew_in_a_build_with_prior_verdicts_are_in_the_digest_it_saves()
    {
        using var w = new TestWorkspace();
        for (var i = 0; i < 8; i++) w.Files.WriteAllText($"raw/f{i}", $"f{i}\n");
        w.Files.WriteAllText("extra/a.txt", "a");
        w.Files.WriteAllText("survey.cfg", "v1");
        await BuildAndSnapshot(w, new Survey(w.Files), "Release", null);
        await BuildAndSnapshot(w, new Survey(w.Files), "Release", Check(w, new Survey(w.Files), "Release").Prior);

        // The catalog loses the line that made item f1: Items' partitions differ from the snapshot's.
        w.Files.WriteAllText("raw/f1", "not an item\n");
        var prior = Check(w, new Survey(w.Files), "Release").Prior;
        Assert.NotNull(prior);
        var (outcome, whyNot) = await BuildAndSnapshot(w, new Survey(w.Files), "Release", prior); // and compares the saved digest

        Assert.True(outcome.Succeeded);
        Assert.Null(whyNot);
        Assert.DoesNotContain(outcome.Nodes, n => n.Name == "Items[item=f1]");
        Assert.Contains(outcome.Nodes, n => n.Name == "Items[item=f2]");
    }

    [Fact]
    public async Task A_touched_input_holds_by_its_content_and_the_snapshot_answers_at_once()
    {
        using var w = new TestWorkspace();
        for (var q = 0; q < 40; q++) w.Files.WriteAllText($"raw/q{q}", $"{q}\n");
        await BuildAndSnapshot(w, new Fanout(40), "All", null);
        await BuildAndSnapshot(w, new Fanout(40), "All", null);

        w.Files.Touch("raw/q7");
        var answer = Check(w, new Fanout(40));

        Assert.NotNull(answer.UpToDate);
        Assert.NotNull(answer.Refreshed);
    }

    [Fact]
    public async Task Without_content_hashes_a_touched_input_re_checks_its_node_alone_and_the_unchanged_hash_stops_there()
    {
        using var w = new TestWorkspace();
        for (var q = 0; q < 40; q++) w.Files.WriteAllText($"raw/q{q}", $"{q}\n");
        await BuildAndSnapshot(w, new Fanout(40), "All", null, contents: false);
        await BuildAndSnapshot(w, new Fanout(40), "All", Check(w, new Fanout(40)).Prior, contents: false);

        w.Files.Touch("raw/q7");
        var prior = Check(w, new Fanout(40)).Prior;
        Assert.NotNull(prior);
        var (outcome, whyNot) = await BuildAndSnapshot(w, new Fanout(40), "All", prior);

        Assert.Empty(outcome.BuiltNodes());
        Assert.Equal(1, prior.Rechecked);
        Assert.Null(whyNot);
        Assert.NotNull(Check(w, new Fanout(40)).UpToDate); // and the next run is a no-op again
    }

    [Fact]
    public async Task A_rebuilt_plan_gives_its_runs_configurations_read_after_it_was_rebuilt_not_before()
    {
        using var w = new TestWorkspace();
        w.Files.WriteAllText("defaults.txt", "a=1\nb=2\n");
        await BuildAndSnapshot(w, new Sweep(w.Files), "Runs", null);
        await BuildAndSnapshot(w, new Sweep(w.Files), "Runs", Check(w, new Sweep(w.Files), "Runs").Prior);

        w.Files.WriteAllText("defaults.txt", "c=3\nd=4\n");
        var pipeline = new Sweep(w.Files); // one process: the snapshot's check and the build share the pipeline's cache
        var answer = Check(w, pipeline, "Runs");
        var (outcome, _) = await BuildAndSnapshot(w, pipeline, "Runs", answer.Prior);

        Assert.True(outcome.Succeeded, string.Join(", ", outcome.Nodes.Where(n => !n.IsDone).Select(n => $"{n.Name}: {n.Error}")));
        Assert.Equal(["Plan", "Runs[run=c]", "Runs[run=d]"], outcome.BuiltNodes());
    }

    [Fact]
    public async Task A_change_no_node_declares_leaves_the_answer_to_a_full_check()
    {
        using var w = new TestWorkspace();
        for (var q = 0; q < 40; q++) w.Files.WriteAllText($"raw/q{q}", $"{q}\n");
        await BuildAndSnapshot(w, new Fanout(40), "All", null);
        var (_, whyNot) = await BuildAndSnapshot(w, new Fanout(40), "All", Check(w, new Fanout(40)).Prior);
        Assert.Null(whyNot);

        // The state is witnessed, and no node declares it.
        w.Files.WriteAllText(w.Workspace.StatePath, "another driver wrote here");

        var answer = Check(w, new Fanout(40));
        Assert.Null(answer.UpToDate);
        Assert.Null(answer.Prior);
    }

    /// <summary>
    /// Builds, then for each of 40 random edits compares the verdicts of a plan with the snapshot's prior verdicts to
    /// a plan without; then builds with them, after which a full check must find nothing to do. Returns how many steps
    /// the snapshot answered with prior verdicts.
    /// </summary>
    private static async Task<int> Run(TestWorkspace w, Func<Pipeline> pipeline, string target, int seed, List<string> edits, Func<string> edit)
    {
        await BuildAndSnapshot(w, pipeline(), target, null);
        var incremental = 0;
        for (var step = 0; step < 40; step++)
        {
            edits.Add(edit());
            var context = $"seed {seed}, step {step}, edits: {string.Join("; ", edits)}";
            var full = await Plan(w, pipeline(), target, null);
            var answer = Check(w, pipeline(), target);
            if (answer.UpToDate is not null)
            {
                Assert.True(full.Nodes.All(n => n.State == NodeState.UpToDate), $"{context}: the snapshot said nothing to do, the full check did not");
                // As ./build.sh does: files that held by their content (touched) get their new stats, and still hold.
                if (answer.Refreshed is { } refreshed)
                {
                    Assert.Null(UpToDateSnapshot.Write(w.Workspace, [target], refreshed));
                    Assert.NotNull(Check(w, pipeline(), target).UpToDate);
                }
            }
            else if (answer.Prior is { } prior)
            {
                incremental++;
                var kept = await Plan(w, pipeline(), target, prior);
                Assert.Equal(Verdicts(full), Verdicts(kept));
                Assert.True(prior.Kept + prior.Rechecked > 0, context);
            }
            var (built, _) = await BuildAndSnapshot(w, pipeline(), target, Check(w, pipeline(), target).Prior);
            Assert.True(built.Succeeded, $"{context}: " + string.Join(", ", built.Nodes.Where(n => !n.IsDone).Select(n => $"{n.Name} {n.State} {n.Error}"))
                + string.Join(", ", built.Targets.Where(t => t.Unavailable is not null || t.DiscoveryErrors.Count > 0).Select(t => $"{t.Name}: {t.Unavailable} {string.Join("; ", t.DiscoveryErrors)}")));
            var after = await Plan(w, pipeline(), target, null);
            Assert.True(after.Nodes.All(n => n.State == NodeState.UpToDate), $"{context}: a full check after the build still finds work: " +
                string.Join(", ", after.Nodes.Where(n => n.State != NodeState.UpToDate).Select(n => n.Name)));
        }
        return incremental;

        List<string> Verdicts(BuildOutcome outcome) => outcome.Nodes.OrderBy(n => n.Name, StringComparer.Ordinal).Select(n =>
            $"{seed}/{edits.Count}: {n.Name} {n.State} {(n.State == NodeState.UpToDate ? n.OutputHash.ToString() : "")} " +
            string.Join("; ", (n.Index < outcome.Reasons.Count ? outcome.Reasons[n.Index] : null)?.Select(r => r.Describe()) ?? [])).ToList();
    }

    private static UpToDateSnapshot.Answer Check(TestWorkspace w, Pipeline pipeline, string target = "All")
    {
        using var pending = UpToDateSnapshot.Prefetch(w.Workspace, [target]);
        return UpToDateSnapshot.Check(PipelineModel.Load(pipeline), w.Workspace, pending, [NodeSelector.Parse(target)]);
    }

    private static Task<BuildOutcome> Plan(TestWorkspace w, Pipeline pipeline, string target, PriorVerdicts? prior) =>
        w.Build(PipelineModel.Load(pipeline), new BuildOptions { Selectors = [NodeSelector.Parse(target)], Plan = true, Prior = prior });

    /// <summary>What <c>./build.sh</c> does: a build that records its observations, then its snapshot.</summary>
    private static async Task<(BuildOutcome Outcome, string? WhyNot)> BuildAndSnapshot(TestWorkspace w, Pipeline pipeline, string target, PriorVerdicts? prior,
        bool contents = true)
    {
        var witnessing = new WitnessingFileSystem(w.Files);
        var started = w.Clock.UtcNow;
        using var executor = new LocalExecutor(new NodeRunner(w.Files, w.Processes, w.Clock), 4, 1 << 20, 0);
        var options = new BuildOptions { Selectors = [NodeSelector.Parse(target)], Prior = prior };
        var session = new BuildSession(PipelineModel.Load(pipeline), w.Workspace with { FileSystem = witnessing }, w.State, executor,
            SilentReporter.Instance, options);
        var outcome = await session.RunAsync(CancellationToken.None);
        var whyNot = UpToDateSnapshot.Save(w.Workspace, [target], outcome.Succeeded, outcome.Nodes, outcome.Targets, witnessing.Witnesses(), started, outcome.RunId, [], prior,
            contents ? session.Hasher.LearnedOf : null);
        // A build with prior verdicts may save the digest its check found unchanged instead of folding every node again:
        // it must be the one folded from the nodes.
        if (whyNot is null) Assert.Equal(DeclarationsDigest.Of(outcome.Nodes, outcome.Targets).ToString(), SavedDigest(w, target));
        return (outcome, whyNot);
    }

    /// <summary>The declarations digest written in the snapshot of <paramref name="target"/> (after the magic, format, stamp and arguments).</summary>
    private static string SavedDigest(TestWorkspace w, string target)
    {
        using var r = new BinaryReader(new MemoryStream(w.Workspace.FileSystem.ReadAllBytes(UpToDateSnapshot.PathFor(w.Workspace, [target]))));
        r.ReadString();
        r.ReadInt32();
        r.ReadString();
        for (var n = r.ReadInt32(); n > 0; n--) r.ReadString();
        return r.ReadString();
    }
}

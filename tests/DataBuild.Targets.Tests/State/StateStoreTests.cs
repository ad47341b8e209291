using DataBuild.State;
using DataBuild.Targets.Tests.Graph;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_file_that_is_not_a_database_gives_a_StateException_with_the_fix()
    {
        var path = _dir.File("state.db");
        File.WriteAllText(path, new string('x', 4096));

        var error = Assert.Throws<StateException>(() => StateStore.Open(path));

        Assert.Contains($"The state database {path} is not a DataBuild state or is corrupt", error.Message);
        Assert.Contains($"Fix: move it aside (mv {path} {path}.bad) and rerun", error.Message);
    }

    [Fact]
    public void A_run_begun_deletes_the_up_to_date_snapshots_its_writes_make_stale_and_anything_else_in_their_folder()
    {
        var path = _dir.File("state.db");
        var snapshots = StateStore.SnapshotDirectoryOf(path);
        Directory.CreateDirectory(Path.Combine(snapshots, "stray"));
        File.WriteAllText(Path.Combine(snapshots, "a44bbed91a88779d12258b2bbd340a93"), "snapshot");
        File.WriteAllText(Path.Combine(snapshots, "a44bbed91a88779d12258b2bbd340a93.123.tmp"), "half written");
        File.WriteAllText(Path.Combine(snapshots, "stray", "file"), "x");
        using var store = StateStore.Open(path);

        store.BeginRun("./build.sh Features", DateTimeOffset.UnixEpoch);

        Assert.False(Directory.Exists(snapshots));
        store.BeginRun("./build.sh Features", DateTimeOffset.UnixEpoch); // none there: nothing to delete
    }

    [Theory]
    [InlineData(0)]
    [InlineData(330)]
    [InlineData(-420)]
    public void Times_read_back_exactly_with_their_offset(int offsetMinutes)
    {
        var time = new DateTimeOffset(2026, 12, 4, 23, 59, 58, TimeSpan.FromMinutes(offsetMinutes)).AddTicks(1234567);

        var read = StateStore.Time(time.ToString("O"));

        Assert.Equal(time, read);
        Assert.Equal(time.Offset, read.Offset);
        // Not written by this version (a hand-edited row): still read.
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero), StateStore.Time("2026-12-04 10:00:00Z"));
    }

    [Fact]
    public void A_state_from_a_newer_schema_says_which_versions_and_what_to_do()
    {
        var path = _dir.File("state.db");
        StateStore.Open(path).Dispose();
        using (var connection = SqliteConnection.Open(path, readOnly: false, TimeSpan.FromSeconds(1)))
            connection.Execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'");

        var error = Assert.Throws<StateException>(() => StateStore.Open(path));

        Assert.Equal($"{path} has state schema version 99, this DataBuild reads version {StateStore.SchemaVersion}.\n" +
            "Fix: use the newer DataBuild that wrote it, or move the file aside and rebuild.", error.Message);
    }

    [Fact]
    public async Task Loading_in_the_background_reads_what_was_recorded_while_the_driver_keeps_writing()
    {
        var path = _dir.File("state.db");
        using var store = StateStore.Open(path);
        var files = Enumerable.Range(0, 500).Select(i => new KeyValuePair<string, FileRecord>(
            $"raw/q{i}", new FileRecord(new DataBuild.IO.FileStat(false, i, 10L * i, 20L * i, 1000 + i), DataBuild.Hashing.Hash128.Of($"q{i}")))).ToList();
        var builds = Enumerable.Range(0, 300).Select(i => new BuildRecord
        {
            Node = $"Features[quad={i}]", Target = "Features", Status = i % 7 == 0 ? BuildStatus.Failed : BuildStatus.Succeeded,
            TaskKey = DataBuild.Hashing.Hash128.Of($"key{i}"), OutputHash = DataBuild.Hashing.Hash128.Of($"out{i}"),
        }).ToList();
        store.Record(builds, files);

        var (nodes, cache) = store.LoadInBackground();
        var runId = store.BeginRun("./build.sh Features", DateTimeOffset.UnixEpoch); // the driver writes meanwhile

        Assert.Equal(store.LoadNodes(), await nodes);
        Assert.Equal(files.ToDictionary(kv => kv.Key, kv => kv.Value), await cache);
        Assert.Equal(BuildStatus.Failed, (await nodes)["Features[quad=7]"].LastStatus);
        Assert.True(runId > 0);
    }

    [Fact]
    public async Task Every_build_of_a_node_is_kept_in_its_history()
    {
        using var ws = new TestWorkspace();
        QuadsPipeline.WriteInputs(ws.Files);
        await ws.Build(new QuadsPipeline());
        ws.Files.WriteAllText("raw/q1", "new\n");

        await ws.Build(new QuadsPipeline());

        var history = ws.State.History("Features[quad=1]");
        Assert.Equal(2, history.Count);
        Assert.All(history, b => Assert.Equal(BuildStatus.Succeeded, b.Status));
        Assert.NotEqual(history[0].OutputHash, history[1].OutputHash);
        Assert.Single(ws.State.History("Features[quad=0]"));
    }

    [Fact]
    public void Statuses_are_stored_by_their_names_and_read_back()
    {
        using var ws = new TestWorkspace();
        foreach (var status in Enum.GetValues<BuildStatus>())
        {
            Assert.Equal(status.ToString(), StateStore.StatusName(status));
            var id = ws.State.BeginRun("build", DateTimeOffset.UnixEpoch);
            ws.State.Record([new BuildRecord { Node = "N", Target = "N", RunId = id, Status = status, Inputs = [], Outputs = [],
                StartedAt = DateTimeOffset.UnixEpoch, EndedAt = DateTimeOffset.UnixEpoch }], []);
            Assert.Equal(status, ws.State.History("N")[0].Status);
        }
    }
}

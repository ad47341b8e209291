using System.Text;
using DataBuild.Hashing;
using DataBuild.IO;

namespace DataBuild.State;

/// <summary>
/// The build state in SQLite (WAL): the stat cache, every build attempt (history), the current record per node,
/// discovered dynamic partitions and runs. The driver is its only writer; a crash loses at most the batch being
/// committed, and a node is only ever recorded after its outputs are in place.
/// </summary>
public sealed partial class StateStore : IDisposable
{
    public const int SchemaVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly string _path;

    private StateStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        _path = path;
    }

    // How long a statement waits for a lock another process holds (a sqlite3 shell, a backup) before it fails.
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(10);

    private static bool IsInMemory(string path) => path == ":memory:";

    /// <summary>Opens (creating if absent) the state at <paramref name="path"/>; ":memory:" for tests.</summary>
    public static StateStore Open(string path)
    {
        if (!IsInMemory(path)) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var connection = SqliteConnection.Open(path, readOnly: false, BusyTimeout);
        try
        {
            var store = new StateStore(connection, path);
            store.Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;");
            store.Migrate();
            return store;
        }
        catch (StateDatabaseException e) when (e.ErrorCode is 26 or 11) // SQLITE_NOTADB, SQLITE_CORRUPT
        {
            connection.Dispose();
            throw new StateException(
                $"The state database {path} is not a DataBuild state or is corrupt ({e.Message.TrimEnd('.')}).\n" +
                $"Fix: move it aside (mv {path} {path}.bad) and rerun; outputs are kept, and every node is rebuilt once because its history is gone.", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Migrate()
    {
        var tables = Query("SELECT name FROM sqlite_master WHERE type='table'", r => r.GetString(0)).ToHashSet();
        if (tables.Count == 0)
        {
            InTransaction(() =>
            {
                Execute(Schema);
                Execute($"INSERT INTO meta(key, value) VALUES ('schema_version', '{SchemaVersion}')");
                return 0;
            });
            return;
        }
        if (!tables.Contains("meta"))
            throw new StateException($"{_path} is an SQLite database but not a DataBuild state (no meta table).\n" +
                $"Fix: point DataBuild at another directory, or move the file aside (mv {_path} {_path}.bad) and rerun.");
        var version = Query("SELECT value FROM meta WHERE key='schema_version'", r => r.GetString(0)).FirstOrDefault();
        if (version != SchemaVersion.ToString())
            throw new StateException($"{_path} has state schema version {version ?? "(none)"}, this DataBuild reads version {SchemaVersion}.\n" +
                (int.TryParse(version, out var v) && v > SchemaVersion
                    ? "Fix: use the newer DataBuild that wrote it, or move the file aside and rebuild."
                    : $"Fix: move it aside (mv {_path} {_path}.bad) and rerun; every node is rebuilt once."));
    }

    private const string Schema = """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE runs(id INTEGER PRIMARY KEY, started TEXT NOT NULL, ended TEXT, pid INTEGER, host TEXT, command TEXT, status TEXT);
        CREATE TABLE builds(
            id INTEGER PRIMARY KEY, run_id INTEGER, node TEXT NOT NULL, target TEXT NOT NULL, status TEXT NOT NULL,
            task_key BLOB, output_hash BLOB, inputs TEXT, outputs TEXT, started TEXT, ended TEXT, exit_code INTEGER,
            wall_s REAL, cpu_s REAL, peak_rss_kb INTEGER, host TEXT, executor TEXT, job_id TEXT, attempt INTEGER,
            log_path TEXT, message TEXT);
        CREATE INDEX builds_node ON builds(node, id);
        CREATE TABLE nodes(
            node TEXT PRIMARY KEY, target TEXT NOT NULL, good_build INTEGER, last_build INTEGER NOT NULL, last_status TEXT NOT NULL,
            task_key BLOB, output_hash BLOB) WITHOUT ROWID;
        CREATE TABLE files(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, ctime_ns INTEGER, inode INTEGER, hash BLOB) WITHOUT ROWID;
        CREATE TABLE partitions(target TEXT, source_node TEXT, source_hash BLOB, keys TEXT, PRIMARY KEY(target, source_node)) WITHOUT ROWID;
        CREATE TABLE jobs(job_id TEXT PRIMARY KEY, run_id INTEGER, manifest TEXT, submitted TEXT, state TEXT) WITHOUT ROWID;
        """;

    // ---- reads ----

    // The two reads of every build the up-to-date snapshot does not answer: one pass each, no per-row parsing beyond
    // the columns.
    public Dictionary<string, NodeRecord> LoadNodes()
    {
        var result = new Dictionary<string, NodeRecord>(Count("nodes"), StringComparer.Ordinal);
        var targets = new Dictionary<string, string>(StringComparer.Ordinal); // one string per target, not per row
        using var r = _connection.Prepare("SELECT node, target, good_build, last_build, last_status, task_key, output_hash FROM nodes");
        while (r.Step())
        {
            var target = r.GetString(1);
            if (!targets.TryGetValue(target, out var shared)) targets[target] = shared = target;
            var node = r.GetString(0);
            result[node] = new NodeRecord(node, shared, r.IsNull(2) ? null : r.GetInt64(2), r.GetInt64(3),
                ParseStatus(r.GetString(4)), ReadHash(r, 5), ReadHash(r, 6));
        }
        return result;
    }

    /// <summary>
    /// <see cref="LoadNodes"/> and <see cref="LoadFiles"/> on other threads and read-only connections (WAL readers
    /// each see a committed snapshot, and only this driver writes), so a build reads its state while it
    /// materializes its targets. In-memory states load at once.
    /// </summary>
    public (Task<Dictionary<string, NodeRecord>> Nodes, Task<Dictionary<string, FileRecord>> Files) LoadInBackground()
    {
        if (IsInMemory(_path)) return (Task.FromResult(LoadNodes()), Task.FromResult(LoadFiles()));
        // One reader connection each: the two tables load at once, on both cores of a login-node allocation.
        return (Task.Run(() => { using var r = OpenReader(); return r.LoadNodes(); }),
                Task.Run(() => { using var r = OpenReader(); return r.LoadFiles(); }));
    }

    private StateStore OpenReader()
    {
        return new StateStore(SqliteConnection.Open(_path, readOnly: true, BusyTimeout), _path);
    }

    public Dictionary<string, FileRecord> LoadFiles()
    {
        var result = new Dictionary<string, FileRecord>(Count("files"), StringComparer.Ordinal);
        using var r = _connection.Prepare("SELECT path, size, mtime_ns, ctime_ns, inode, hash FROM files");
        while (r.Step())
            result[r.GetString(0)] = new FileRecord(new FileStat(false, r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), ReadHash(r, 5));
        return result;
    }

    private int Count(string table) => (int)Query($"SELECT count(*) FROM {table}", r => r.GetInt64(0))[0];

    private static BuildStatus ParseStatus(string text) => text switch
    {
        nameof(BuildStatus.Succeeded) => BuildStatus.Succeeded,
        nameof(BuildStatus.Failed) => BuildStatus.Failed,
        _ => Enum.Parse<BuildStatus>(text),
    };

    /// <summary>
    /// A status as the state stores it, its name: spelled out, as Enum.ToString would build its table of names by
    /// reflection at the first record of every build.
    /// </summary>
    public static string StatusName(BuildStatus status) => status switch
    {
        BuildStatus.Succeeded => nameof(BuildStatus.Succeeded),
        BuildStatus.Failed => nameof(BuildStatus.Failed),
        BuildStatus.OutOfMemory => nameof(BuildStatus.OutOfMemory),
        BuildStatus.TimedOut => nameof(BuildStatus.TimedOut),
        BuildStatus.Cancelled => nameof(BuildStatus.Cancelled),
        _ => status.ToString(),
    };

    public BuildRecord? LoadBuild(long id) =>
        Query($"SELECT {BuildColumns} FROM builds WHERE id = $id", ReadBuild, ("$id", id)).FirstOrDefault();

    /// <summary>The attempts at one node, newest first.</summary>
    public IReadOnlyList<BuildRecord> History(string node, int limit = 20) =>
        Query($"SELECT {BuildColumns} FROM builds WHERE node = $node ORDER BY id DESC LIMIT $limit", ReadBuild, ("$node", node), ("$limit", limit));

    /// <summary>Discovered partitions of <paramref name="target"/> from <paramref name="sourceNode"/>, valid while the source's outputs hash to <paramref name="sourceHash"/>.</summary>
    public string? LoadPartitions(string target, string sourceNode, Hash128 sourceHash) =>
        Query("SELECT keys FROM partitions WHERE target=$t AND source_node=$s AND source_hash=$h", r => r.GetString(0),
            ("$t", target), ("$s", sourceNode), ("$h", sourceHash.ToBytes())).FirstOrDefault();

    /// <summary>The folder name of the up-to-date snapshots, beside the state database.</summary>
    public const string SnapshotDirectoryName = "uptodate";

    /// <summary>The up-to-date snapshots' folder: a cache of verdicts that every run writing the state deletes.</summary>
    public static string SnapshotDirectoryOf(string statePath) => Path.Combine(Path.GetDirectoryName(statePath)!, SnapshotDirectoryName);

    // ---- writes ----

    /// <summary>Starts a run (recording who started it where: user@host); first deletes the up-to-date snapshots, which this run's writes will make stale.</summary>
    public long BeginRun(string command, DateTimeOffset started)
    {
        if (!IsInMemory(_path)) DeleteSnapshots(SnapshotDirectoryOf(_path));
        using var insert = _connection.Prepare("INSERT INTO runs(started, pid, host, command, status) VALUES ($s, $p, $h, $c, 'running') RETURNING id");
        return insert.Bind("$s", started.ToString("O")).Bind("$p", Environment.ProcessId).Bind("$h", $"{Environment.UserName}@{Environment.MachineName}")
            .Bind("$c", command).RunReturningInt64();
    }

    // The snapshots are files directly in their folder, deleted one by one: a recursive delete walks the folder with an
    // enumerator that is compiled at run time.
    private static void DeleteSnapshots(string directory)
    {
        if (!Directory.Exists(directory)) return;
        foreach (var file in Directory.GetFiles(directory)) File.Delete(file);
        try
        {
            Directory.Delete(directory);
        }
        catch (IOException) when (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true); // not ours (a folder someone put there): gone all the same
        }
    }

    // Times are written with ToString("O"): read back with the parser for that format, not the general one loaded at the
    // first explained rebuild (bench/README.md, round 15); anything else as before.
    internal static DateTimeOffset Time(string text) =>
        DateTimeOffset.TryParseExact(text, "O", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time)
            ? time : DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    public void EndRun(long runId, string status, DateTimeOffset ended) =>
        Execute("UPDATE runs SET ended=$e, status=$s WHERE id=$id", ("$e", ended.ToString("O")), ("$s", status), ("$id", runId));

    /// <summary>Records build attempts and stat-cache updates in one transaction, and returns the new build ids.</summary>
    public IReadOnlyList<long> Record(IReadOnlyList<BuildRecord> builds, IEnumerable<KeyValuePair<string, FileRecord>> files) =>
        InTransaction(() => RecordAll(builds, files));

    private List<long> RecordAll(IReadOnlyList<BuildRecord> builds, IEnumerable<KeyValuePair<string, FileRecord>> files)
    {
        var ids = new List<long>(builds.Count);
        var (insert, upsertGood, upsertFailed) = (Statement(InsertBuild), Statement(UpsertGoodNode), Statement(UpsertFailedNode));
        foreach (var b in builds)
        {
            var id = BindBuild(insert, b).RunReturningInt64();
            ids.Add(id);
            var upsert = (b.Status == BuildStatus.Succeeded ? upsertGood : upsertFailed)
                .Bind("$node", b.Node).Bind("$target", b.Target).Bind("$id", id).Bind("$status", StatusName(b.Status));
            if (b.Status == BuildStatus.Succeeded) upsert.Bind("$key", b.TaskKey.ToBytes()).Bind("$out", b.OutputHash.ToBytes());
            upsert.Run();
        }
        UpsertFiles(files);
        return ids;
    }

    /// <summary>Runs <paramref name="work"/> in a transaction (taking the write lock at once) and commits it.</summary>
    private T InTransaction<T>(Func<T> work)
    {
        Execute("BEGIN IMMEDIATE");
        try
        {
            var result = work();
            Execute("COMMIT");
            return result;
        }
        catch
        {
            try
            {
                Execute("ROLLBACK");
            }
            catch (StateDatabaseException)
            {
                // A full disk makes SQLite roll back by itself; the rollback here then fails, and must not hide why.
            }
            throw;
        }
    }

    private static readonly string InsertBuild = $"INSERT INTO builds({BuildColumns[4..]}) VALUES ({BuildParameters}) RETURNING id";

    private const string UpsertGoodNode = """
        INSERT INTO nodes(node, target, good_build, last_build, last_status, task_key, output_hash) VALUES ($node, $target, $id, $id, $status, $key, $out)
        ON CONFLICT(node) DO UPDATE SET good_build=$id, last_build=$id, last_status=$status, task_key=$key, output_hash=$out
        """;

    private const string UpsertFailedNode = """
        INSERT INTO nodes(node, target, good_build, last_build, last_status) VALUES ($node, $target, NULL, $id, $status)
        ON CONFLICT(node) DO UPDATE SET last_build=$id, last_status=$status
        """;

    private const string UpsertFile = "INSERT OR REPLACE INTO files(path, size, mtime_ns, ctime_ns, inode, hash) VALUES ($p, $s, $m, $c, $i, $h)";

    // The writes of every result, prepared once per state: SQLite compiling four statements per recorded result
    // was a measurable part of a cold build's driver time.
    private readonly Dictionary<string, SqliteStatement> _statements = new(StringComparer.Ordinal);

    private SqliteStatement Statement(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement)) _statements[sql] = statement = _connection.Prepare(sql);
        return statement;
    }

    public void SaveFiles(IEnumerable<KeyValuePair<string, FileRecord>> files) =>
        InTransaction(() =>
        {
            UpsertFiles(files);
            return 0;
        });

    public void SavePartitions(string target, string sourceNode, Hash128 sourceHash, string keys) =>
        Execute("INSERT OR REPLACE INTO partitions(target, source_node, source_hash, keys) VALUES ($t, $s, $h, $k)",
            ("$t", target), ("$s", sourceNode), ("$h", sourceHash.ToBytes()), ("$k", keys));

    public void Dispose()
    {
        DisposeLookups();
        foreach (var statement in _statements.Values) statement.Dispose();
        try
        {
            _connection.Dispose();
        }
        catch (StateDatabaseException)
        {
            // SQLite already rolled back the failed transaction (a full disk): closing must not hide the error that did it.
        }
    }

    // ---- helpers ----

    private void UpsertFiles(IEnumerable<KeyValuePair<string, FileRecord>> files)
    {
        var upsert = Statement(UpsertFile);
        foreach (var (path, record) in files)
            upsert.Bind("$p", path).Bind("$s", record.Stat.Size).Bind("$m", record.Stat.MtimeNs).Bind("$c", record.Stat.CtimeNs)
                .Bind("$i", record.Stat.Inode).Bind("$h", record.Hash.ToBytes()).Run();
    }

    private const string BuildColumns =
        "id, run_id, node, target, status, task_key, output_hash, inputs, outputs, started, ended, exit_code, wall_s, cpu_s, peak_rss_kb, host, executor, job_id, attempt, log_path, message";

    private const string BuildParameters =
        "$run_id, $node, $target, $status, $task_key, $output_hash, $inputs, $outputs, $started, $ended, $exit_code, $wall_s, $cpu_s, $peak_rss_kb, $host, $executor, $job_id, $attempt, $log_path, $message";

    private static SqliteStatement BindBuild(SqliteStatement insert, BuildRecord b) => insert
        .Bind("$run_id", b.RunId).Bind("$node", b.Node).Bind("$target", b.Target).Bind("$status", StatusName(b.Status))
        .Bind("$task_key", b.TaskKey.ToBytes()).Bind("$output_hash", b.OutputHash.ToBytes())
        .Bind("$inputs", FormatInputs(b.Inputs)).Bind("$outputs", FormatOutputs(b.Outputs))
        .Bind("$started", b.StartedAt.ToString("O")).Bind("$ended", b.EndedAt.ToString("O"))
        .Bind("$exit_code", b.ExitCode).Bind("$wall_s", b.WallSeconds).Bind("$cpu_s", b.CpuSeconds).Bind("$peak_rss_kb", b.PeakRssKb)
        .Bind("$host", b.Host).Bind("$executor", b.Executor).Bind("$job_id", b.JobId).Bind("$attempt", b.Attempt)
        .Bind("$log_path", b.LogPath).Bind("$message", b.Message);

    private static BuildRecord ReadBuild(SqliteStatement r) => new()
    {
        Id = r.GetInt64(0),
        RunId = r.IsNull(1) ? 0 : r.GetInt64(1),
        Node = r.GetString(2),
        Target = r.GetString(3),
        Status = ParseStatus(r.GetString(4)),
        TaskKey = ReadHash(r, 5),
        OutputHash = ReadHash(r, 6),
        Inputs = ParseInputs(r.IsNull(7) ? "" : r.GetString(7)),
        Outputs = ParseOutputs(r.IsNull(8) ? "" : r.GetString(8)),
        StartedAt = Time(r.GetString(9)),
        EndedAt = Time(r.GetString(10)),
        ExitCode = r.IsNull(11) ? null : r.GetInt32(11),
        WallSeconds = r.GetDouble(12),
        CpuSeconds = r.IsNull(13) ? null : r.GetDouble(13),
        PeakRssKb = r.IsNull(14) ? null : r.GetInt64(14),
        Host = r.GetString(15),
        Executor = r.GetString(16),
        JobId = r.GetStringOrNull(17),
        Attempt = r.GetInt32(18),
        LogPath = r.GetStringOrNull(19),
        Message = r.GetStringOrNull(20),
    };

    private static Hash128 ReadHash(SqliteStatement r, int column) => r.IsNull(column) ? Hash128.Empty : Hash128.FromBytes(r.GetBlob(column));

    // Manifests are small line-oriented text: readable in the sqlite3 shell, cheap to write at 100k nodes.
    private static string FormatInputs(IReadOnlyList<InputEntry> inputs)
    {
        var sb = new StringBuilder();
        foreach (var i in inputs) sb.Append(Escape(i.Name)).Append('\t').Append(i.Hash).Append('\t').Append(Escape(i.Display)).Append('\n');
        return sb.ToString();
    }

    private static string FormatOutputs(IReadOnlyList<OutputEntry> outputs)
    {
        var sb = new StringBuilder();
        foreach (var o in outputs) sb.Append(Escape(o.Name)).Append('\t').Append(Escape(o.Path)).Append('\t').Append(o.Hash).Append('\n');
        return sb.ToString();
    }

    private static List<InputEntry> ParseInputs(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .Select(f => new InputEntry(Unescape(f[0]), Hash128.Parse(f[1]), Unescape(f[2]))).ToList();

    private static List<OutputEntry> ParseOutputs(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
            .Select(f => new OutputEntry(Unescape(f[0]), Unescape(f[1]), Hash128.Parse(f[2]))).ToList();

    private static string Escape(string s) => s.Replace("\\", "\\\\").Replace("\t", "\\t").Replace("\n", "\\n");

    private static string Unescape(string s)
    {
        if (!s.Contains('\\')) return s;
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { sb.Append(s[i]); continue; }
            sb.Append(s[++i] switch { 'n' => '\n', 't' => '\t', var c => c });
        }
        return sb.ToString();
    }

    // Statements run once per build (reads, a run's start and end, job records): prepared, bound, run and finalized.
    private SqliteStatement Prepare(string sql, (string Name, object Value)[] parameters)
    {
        var statement = _connection.Prepare(sql);
        try
        {
            foreach (var (name, value) in parameters)
            {
                _ = value switch
                {
                    long l => statement.Bind(name, l),
                    int i => statement.Bind(name, i),
                    string s => statement.Bind(name, s),
                    byte[] b => statement.Bind(name, b),
                    double d => statement.Bind(name, d),
                    _ => throw new ArgumentException($"Parameter {name}: a {value.GetType().Name} is not bound to SQLite here.", nameof(parameters)),
                };
            }
            return statement;
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    /// <summary>Runs statements that return nothing: with parameters one statement, without several (a schema) at once.</summary>
    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        if (parameters.Length == 0)
        {
            _connection.Execute(sql);
            return;
        }
        using var statement = Prepare(sql, parameters);
        statement.Run();
    }

    private List<T> Query<T>(string sql, Func<SqliteStatement, T> read, params (string Name, object Value)[] parameters)
    {
        using var statement = Prepare(sql, parameters);
        var list = new List<T>();
        while (statement.Step()) list.Add(read(statement));
        return list;
    }
}

using DataBuild.State;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.State;

/// <summary>The binding to SQLite's C API under the state, against the real library.</summary>
public sealed class SqliteTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Values_of_every_bound_kind_read_back_as_written_including_nulls_and_non_ascii_text()
    {
        using var db = SqliteConnection.Open(":memory:", readOnly: false, TimeSpan.FromSeconds(1));
        db.Execute("CREATE TABLE t(i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)");
        using (var insert = db.Prepare("INSERT INTO t VALUES ($i, $d, $s, $b, $n)"))
        {
            insert.Bind("$i", long.MinValue).Bind("$d", 0.1).Bind("$s", "ZTF field 296 \u00e9\u4e2d\U0001F52D\t\n").Bind("$b", new byte[] { 0, 1, 255 }).Bind("$n", (string?)null).Run();
            insert.Bind("$i", 7L).Run(); // reset cleared the earlier bindings: the rest is NULL
        }

        using var select = db.Prepare("SELECT i, d, s, b, n FROM t ORDER BY rowid");
        Assert.True(select.Step());
        Assert.Equal(long.MinValue, select.GetInt64(0));
        Assert.Equal(0.1, select.GetDouble(1));
        Assert.Equal("ZTF field 296 \u00e9\u4e2d\U0001F52D\t\n", select.GetString(2));
        Assert.Equal(new byte[] { 0, 1, 255 }, select.GetBlob(3).ToArray());
        Assert.True(select.IsNull(4));
        Assert.Null(select.GetStringOrNull(4));
        Assert.True(select.Step());
        Assert.Equal(7, select.GetInt32(0));
        Assert.True(select.IsNull(1) && select.IsNull(2) && select.IsNull(3));
        Assert.False(select.Step());
    }

    [Fact]
    public void An_insert_returning_its_id_gives_the_id_and_can_run_again()
    {
        using var db = SqliteConnection.Open(":memory:", readOnly: false, TimeSpan.FromSeconds(1));
        db.Execute("CREATE TABLE runs(id INTEGER PRIMARY KEY, command TEXT)");
        using var insert = db.Prepare("INSERT INTO runs(command) VALUES ($c) RETURNING id");

        Assert.Equal(1, insert.Bind("$c", "a").RunReturningInt64());
        Assert.Equal(2, insert.Bind("$c", "b").RunReturningInt64());
    }

    [Fact]
    public void A_parameter_the_statement_does_not_have_is_named_in_the_error()
    {
        using var db = SqliteConnection.Open(":memory:", readOnly: false, TimeSpan.FromSeconds(1));
        using var select = db.Prepare("SELECT $a");

        var error = Assert.Throws<ArgumentException>(() => select.Bind("$b", 1L));

        Assert.Contains("no parameter $b", error.Message);
    }

    [Fact]
    public void SQL_errors_carry_SQLite_result_code_and_message()
    {
        using var db = SqliteConnection.Open(":memory:", readOnly: false, TimeSpan.FromSeconds(1));

        var syntax = Assert.Throws<StateDatabaseException>(() => db.Execute("CREATE TABLE t(x"));
        var prepare = Assert.Throws<StateDatabaseException>(() => db.Prepare("SELECT * FROM missing"));

        Assert.Equal(1, syntax.ErrorCode); // SQLITE_ERROR
        Assert.Contains("incomplete input", syntax.Message);
        Assert.Equal("SQLite error 1: 'no such table: missing'.", prepare.Message);
    }

    [Fact]
    public void A_write_to_a_database_opened_read_only_fails_as_read_only_and_a_missing_one_cannot_be_opened()
    {
        var path = _dir.File("state.db");
        using (var db = SqliteConnection.Open(path, readOnly: false, TimeSpan.FromSeconds(1))) db.Execute("CREATE TABLE t(x)");

        using var reader = SqliteConnection.Open(path, readOnly: true, TimeSpan.FromSeconds(1));
        var write = Assert.Throws<StateDatabaseException>(() => reader.Execute("INSERT INTO t VALUES (1)"));
        var missing = Assert.Throws<StateDatabaseException>(() => SqliteConnection.Open(_dir.File("absent.db"), readOnly: true, TimeSpan.FromSeconds(1)));

        Assert.Equal(8, write.ErrorCode);    // SQLITE_READONLY: what the driver's error message turns into "build in a writable directory"
        Assert.Equal(14, missing.ErrorCode); // SQLITE_CANTOPEN
    }

    [Fact]
    public void A_writer_waits_out_another_connections_lock_for_its_busy_timeout_then_fails_as_busy()
    {
        var path = _dir.File("state.db");
        using var holder = SqliteConnection.Open(path, readOnly: false, TimeSpan.FromSeconds(1));
        holder.Execute("PRAGMA journal_mode=WAL; CREATE TABLE t(x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);");
        // 1.5 s: this SQLite build's busy handler may sleep in whole seconds (no usleep), so it gives up on a timeout
        // under a second at once.
        using var other = SqliteConnection.Open(path, readOnly: false, TimeSpan.FromMilliseconds(1500));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var busy = Assert.Throws<StateDatabaseException>(() => other.Execute("BEGIN IMMEDIATE"));

        Assert.Equal(5, busy.ErrorCode); // SQLITE_BUSY
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(900), $"failed after {started.Elapsed.TotalMilliseconds} ms, not after its busy timeout");
    }
}

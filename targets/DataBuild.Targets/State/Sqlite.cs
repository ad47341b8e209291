using System.Runtime.InteropServices;
using System.Text;

namespace DataBuild.State;

/// <summary>
/// An error from the state database: SQLite's result code (5 busy, 8 read-only, 11 corrupt, 13 full, 26 not a
/// database) and its message.
/// </summary>
public sealed class StateDatabaseException(int errorCode, string message) : Exception($"SQLite error {errorCode}: '{message}'.")
{
    public int ErrorCode { get; } = errorCode;
}

/// <summary>
/// One connection to an SQLite database through its C API (the e_sqlite3 library of SQLitePCLRaw.lib.e_sqlite3):
/// what the state needs of SQLite, statements prepared once and bound by parameter name, nothing more. Every call
/// is a plain native call that the ahead-of-time compiler precompiles, where an ADO.NET provider loaded three
/// assemblies, initialized by reflection and compiled a marshalling stub per native function at every start
/// (bench/README.md, round 14).
/// Not thread-safe: one thread at a time per connection (the state opens one per reader thread).
/// </summary>
internal sealed unsafe partial class SqliteConnection : IDisposable
{
    private nint _db;
    private readonly List<SqliteStatement> _statements = [];

    private SqliteConnection(nint db) => _db = db;

    /// <summary>Opens (read-write, creating it; or read-only) the database at <paramref name="path"/> (":memory:" for one in memory).</summary>
    public static SqliteConnection Open(string path, bool readOnly, TimeSpan busyTimeout)
    {
        nint db;
        var flags = readOnly ? OpenReadOnly : OpenReadWrite | OpenCreate;
        int rc;
        fixed (byte* p = Utf8(path)) rc = sqlite3_open_v2(p, &db, flags, null);
        if (rc != Ok)
        {
            // A failed open still allocates a handle (for its message) that must be closed.
            var error = db == 0 ? new StateDatabaseException(rc, "out of memory") : new StateDatabaseException(rc, Message(db));
            sqlite3_close_v2(db);
            throw error;
        }
        sqlite3_busy_timeout(db, (int)busyTimeout.TotalMilliseconds);
        return new SqliteConnection(db);
    }

    /// <summary>Runs one or more statements that return no rows.</summary>
    public void Execute(string sql)
    {
        byte* error = null;
        int rc;
        fixed (byte* p = Utf8(sql)) rc = sqlite3_exec(_db, p, 0, 0, &error);
        if (rc == Ok) return;
        var message = error is null ? Message(_db) : Marshal.PtrToStringUTF8((nint)error)!;
        sqlite3_free(error);
        throw new StateDatabaseException(rc, message);
    }

    /// <summary>Compiles one statement; it lives until <see cref="SqliteStatement.Dispose"/> or this connection's.</summary>
    public SqliteStatement Prepare(string sql)
    {
        nint stmt;
        int rc;
        fixed (byte* p = Utf8(sql)) rc = sqlite3_prepare_v2(_db, p, -1, &stmt, null);
        Check(rc);
        var statement = new SqliteStatement(this, stmt);
        _statements.Add(statement);
        return statement;
    }

    internal void Forget(SqliteStatement statement) => _statements.Remove(statement);

    internal void Check(int rc)
    {
        if (rc is not (Ok or Row or Done)) throw new StateDatabaseException(rc, Message(_db));
    }

    public void Dispose()
    {
        if (_db == 0) return;
        foreach (var statement in _statements.ToArray()) statement.Dispose();
        var db = _db;
        _db = 0;
        Check(sqlite3_close_v2(db));
    }

    private static string Message(nint db) => Marshal.PtrToStringUTF8((nint)sqlite3_errmsg(db)) ?? "unknown error";

    internal static byte[] Utf8(string text)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1]; // NUL-terminated
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    internal const int Ok = 0, Row = 100, Done = 101;
    private const int OpenReadOnly = 0x1, OpenReadWrite = 0x2, OpenCreate = 0x4;

    private const string Library = "e_sqlite3";
    [LibraryImport(Library)] private static partial int sqlite3_open_v2(byte* path, nint* db, int flags, byte* vfs);
    [LibraryImport(Library)] private static partial int sqlite3_close_v2(nint db);
    [LibraryImport(Library)] private static partial int sqlite3_busy_timeout(nint db, int ms);
    [LibraryImport(Library)] private static partial int sqlite3_exec(nint db, byte* sql, nint callback, nint argument, byte** error);
    [LibraryImport(Library)] private static partial void sqlite3_free(void* p);
    [LibraryImport(Library)] private static partial byte* sqlite3_errmsg(nint db);
    [LibraryImport(Library)] private static partial int sqlite3_prepare_v2(nint db, byte* sql, int bytes, nint* stmt, byte** tail);
}

/// <summary>
/// A prepared statement: bind values by parameter name ("$id"), step through rows, read columns by index. Reused
/// after <see cref="Reset"/>, which also clears its bindings (an unbound parameter is NULL).
/// </summary>
internal sealed unsafe partial class SqliteStatement : IDisposable
{
    private readonly SqliteConnection _connection;
    private nint _stmt;

    internal SqliteStatement(SqliteConnection connection, nint stmt) => (_connection, _stmt) = (connection, stmt);

    public SqliteStatement Bind(string name, long value)
    {
        _connection.Check(sqlite3_bind_int64(_stmt, Index(name), value));
        return this;
    }

    public SqliteStatement Bind(string name, double value)
    {
        _connection.Check(sqlite3_bind_double(_stmt, Index(name), value));
        return this;
    }

    public SqliteStatement Bind(string name, string? value)
    {
        if (value is null) return BindNull(name);
        var bytes = Encoding.UTF8.GetBytes(value);
        fixed (byte* p = bytes) _connection.Check(sqlite3_bind_text(_stmt, Index(name), p, bytes.Length, Transient));
        return this;
    }

    public SqliteStatement Bind(string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value) _connection.Check(sqlite3_bind_blob(_stmt, Index(name), p, value.Length, Transient));
        return this;
    }

    public SqliteStatement Bind(string name, long? value) => value is { } v ? Bind(name, v) : BindNull(name);

    public SqliteStatement Bind(string name, double? value) => value is { } v ? Bind(name, v) : BindNull(name);

    public SqliteStatement BindNull(string name)
    {
        _connection.Check(sqlite3_bind_null(_stmt, Index(name)));
        return this;
    }

    private int Index(string name)
    {
        int index;
        fixed (byte* p = SqliteConnection.Utf8(name)) index = sqlite3_bind_parameter_index(_stmt, p);
        return index > 0 ? index : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));
    }

    /// <summary>Advances to the next row: true while there is one; false when the statement has run to its end.</summary>
    public bool Step()
    {
        var rc = sqlite3_step(_stmt);
        _connection.Check(rc);
        return rc == SqliteConnection.Row;
    }

    /// <summary>Runs the statement to its end (a write), then resets it.</summary>
    public void Run()
    {
        try { while (Step()) { } }
        finally { Reset(); }
    }

    /// <summary>The first column of the first row (an INSERT ... RETURNING id), the statement then run out and reset.</summary>
    public long RunReturningInt64()
    {
        try
        {
            if (!Step()) throw new InvalidOperationException("The statement returned no row.");
            var value = GetInt64(0);
            while (Step()) { }
            return value;
        }
        finally { Reset(); }
    }

    /// <summary>Makes the statement ready to run again, with no values bound.</summary>
    public void Reset()
    {
        sqlite3_reset(_stmt); // returns the last step's error, already reported by Step
        sqlite3_clear_bindings(_stmt);
    }

    public bool IsNull(int column) => sqlite3_column_type(_stmt, column) == NullType;

    public long GetInt64(int column) => sqlite3_column_int64(_stmt, column);

    public int GetInt32(int column) => checked((int)sqlite3_column_int64(_stmt, column));

    public double GetDouble(int column) => sqlite3_column_double(_stmt, column);

    public string GetString(int column)
    {
        var text = sqlite3_column_text(_stmt, column); // before column_bytes: the conversion to text sets the length
        return text is null ? "" : Encoding.UTF8.GetString(text, sqlite3_column_bytes(_stmt, column));
    }

    public ReadOnlySpan<byte> GetBlob(int column)
    {
        var blob = sqlite3_column_blob(_stmt, column);
        return blob is null ? default : new ReadOnlySpan<byte>(blob, sqlite3_column_bytes(_stmt, column));
    }

    public string? GetStringOrNull(int column) => IsNull(column) ? null : GetString(column);

    public void Dispose()
    {
        if (_stmt == 0) return;
        sqlite3_finalize(_stmt);
        _stmt = 0;
        _connection.Forget(this);
    }

    private const int NullType = 5;
    private static readonly nint Transient = -1; // SQLITE_TRANSIENT: SQLite copies the value before the call returns

    private const string Library = "e_sqlite3";
    [LibraryImport(Library)] private static partial int sqlite3_bind_parameter_index(nint stmt, byte* name);
    [LibraryImport(Library)] private static partial int sqlite3_bind_int64(nint stmt, int index, long value);
    [LibraryImport(Library)] private static partial int sqlite3_bind_double(nint stmt, int index, double value);
    [LibraryImport(Library)] private static partial int sqlite3_bind_text(nint stmt, int index, byte* value, int bytes, nint destructor);
    [LibraryImport(Library)] private static partial int sqlite3_bind_blob(nint stmt, int index, byte* value, int bytes, nint destructor);
    [LibraryImport(Library)] private static partial int sqlite3_bind_null(nint stmt, int index);
    [LibraryImport(Library)] private static partial int sqlite3_step(nint stmt);
    [LibraryImport(Library)] private static partial int sqlite3_reset(nint stmt);
    [LibraryImport(Library)] private static partial int sqlite3_clear_bindings(nint stmt);
    [LibraryImport(Library)] private static partial int sqlite3_finalize(nint stmt);
    [LibraryImport(Library)] private static partial int sqlite3_column_type(nint stmt, int column);
    [LibraryImport(Library)] private static partial long sqlite3_column_int64(nint stmt, int column);
    [LibraryImport(Library)] private static partial double sqlite3_column_double(nint stmt, int column);
    [LibraryImport(Library)] private static partial byte* sqlite3_column_text(nint stmt, int column);
    [LibraryImport(Library)] private static partial void* sqlite3_column_blob(nint stmt, int column);
    [LibraryImport(Library)] private static partial int sqlite3_column_bytes(nint stmt, int column);
}

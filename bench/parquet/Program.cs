using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using DataBuild.Bench.Parquet;
using DataBuild.Products;
using DuckDB.NET.Data;

// Parquet write and read throughput of our product layer (Table.Write, ProductFile column reads, over Parquet.Net)
// beside DuckDB in-process, on one light-curve table, in one process: a warm-up round, then ROUNDS rounds that run
// every measurement once each, in an order rotated every round. Prints a markdown table of median and best figures,
// the ratios ours/DuckDB and the goal verdicts. Any read whose values differ from the generated rows fails the run.
// Usage: dotnet DataBuild.Bench.Parquet.dll [rows=1000000] [rounds=5] [dir=a new temporary folder]
var rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var dir = args.Length > 2 ? args[2] : Directory.CreateTempSubdirectory("databuild-parquet-bench-").FullName;
Directory.CreateDirectory(dir);
try
{
    Bench.Run(rows, rounds, dir);
    return 0;
}
catch (InvalidDataException e)
{
    Console.Error.WriteLine($"FAIL: {e.Message}");
    return 1;
}
finally
{
    if (args.Length <= 2)
        Directory.Delete(dir, recursive: true);
}

internal static class Bench
{
    private const string Columns = "source_id, ra, \"dec\", mjd, mag, magerr";

    public static void Run(int rows, int rounds, string dir)
    {
        var ours = Path.Combine(dir, "ours.parquet");
        var duck = Path.Combine(dir, "duckdb.parquet");
        var duck1 = Path.Combine(dir, "duckdb-1thread.parquet");

        var generate = Stopwatch.StartNew();
        var data = LightCurves.Generate(rows);
        var expected = data.ExpectedSums();
        Console.WriteLine($"Generated {rows:N0} rows ({data.SourceId.Distinct().Count():N0} sources) in {generate.Elapsed.TotalSeconds:F2} s.");

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var defaultThreads = Convert.ToInt64(Scalar(connection, "SELECT current_setting('threads')"), CultureInfo.InvariantCulture);
        var duckVersion = Scalar(connection, "SELECT version()");

        // DuckDB's write starts from rows DuckDB holds in memory: the same rows, loaded once through its appender.
        Execute(connection, "CREATE TABLE lc (source_id BIGINT, ra DOUBLE, \"dec\" DOUBLE, mjd DOUBLE, mag REAL, magerr DOUBLE)");
        var load = Stopwatch.StartNew();
        using (var appender = connection.CreateAppender("lc"))
            for (var i = 0; i < rows; i++)
                appender.CreateRow().AppendValue(data.SourceId[i]).AppendValue(data.Ra[i]).AppendValue(data.Dec[i])
                    .AppendValue(data.Mjd[i]).AppendValue(data.Mag[i]).AppendValue(data.MagErr[i]).EndRow();
        var loadSeconds = load.Elapsed.TotalSeconds;

        var provenance = new Provenance("bench/parquet", "all", "1");
        var measurements = new List<Measurement>
        {
            new("write", "ours", "ours: Table.Write (snappy)", () =>
            {
                new Table().Add("source_id", data.SourceId).Add("ra", data.Ra).Add("dec", data.Dec).Add("mjd", data.Mjd)
                    .Add("mag", data.Mag).Add("magerr", data.MagErr).Write(ours, provenance);
                return null;
            }),
            new("write", "duckdb", $"DuckDB: COPY TO parquet (snappy), default threads ({defaultThreads})", () =>
            {
                Execute(connection, $"COPY (SELECT {Columns} FROM lc) TO {Quote(duck)} (FORMAT parquet, COMPRESSION snappy)");
                return null;
            }, Threads: defaultThreads),
            new("write", "duckdb1", "DuckDB: COPY TO parquet (snappy), threads=1", () =>
            {
                Execute(connection, $"COPY (SELECT {Columns} FROM lc) TO {Quote(duck1)} (FORMAT parquet, COMPRESSION snappy)");
                return null;
            }, Threads: 1),
            new("read", "ours", "ours: ProductFile, 6 columns + sums, our file", () => ReadOurs(ours)),
            new("read", "ours-duckfile", "ours: ProductFile, 6 columns + sums, DuckDB's file", () => ReadOurs(duck)),
            new("read", "duckdb1", "DuckDB: sum() x 6 over read_parquet, threads=1, DuckDB's file", () => ReadDuck(connection, duck), Threads: 1),
            new("read", "duckdb", $"DuckDB: sum() x 6 over read_parquet, default threads ({defaultThreads}), DuckDB's file", () => ReadDuck(connection, duck), Threads: defaultThreads),
            new("read", "duckdb1-ourfile", "DuckDB: sum() x 6 over read_parquet, threads=1, our file", () => ReadDuck(connection, ours), Threads: 1),
            new("read", "duckdb-ourfile", $"DuckDB: sum() x 6 over read_parquet, default threads ({defaultThreads}), our file", () => ReadDuck(connection, ours), Threads: defaultThreads),
        };

        // Round 0 warms up (JIT, page cache, DuckDB's caches) in the listed order, writes before reads; then every
        // value is checked exactly, once; then the timed rounds, each starting one measurement further on.
        for (var round = 0; round <= rounds; round++)
        {
            for (var k = 0; k < measurements.Count; k++)
            {
                var m = measurements[round == 0 ? k : (k + round) % measurements.Count];
                if (m.Threads is { } threads)
                    Execute(connection, $"SET threads = {threads}");
                Collect();
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var watch = Stopwatch.StartNew();
                var sums = m.Run();
                var seconds = watch.Elapsed.TotalSeconds;
                allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                sums?.Check(expected, m.Label);
                if (round > 0)
                    m.Record(seconds, allocated);
            }
            Execute(connection, $"SET threads = {defaultThreads}");
            if (round == 0)
                CheckExactly(connection, data, ours, duck, duck1);
        }

        Report(rows, rounds, defaultThreads, duckVersion, loadSeconds, measurements, [ours, duck, duck1]);
    }

    private static Sums ReadOurs(string path)
    {
        using var file = ProductFile.Open(path);
        var sums = Sums.Of(file.Column<long>("source_id"), file.Column<double>("ra"), file.Column<double>("dec"),
            file.Column<double>("mjd"), file.Column<float>("mag"), file.Column<double>("magerr"));
        return file.RowCount == sums.Rows ? sums : throw new InvalidDataException($"{path}: the footer says {file.RowCount} rows, the columns hold {sums.Rows}.");
    }

    private static Sums ReadDuck(DuckDBConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*), sum(source_id)::BIGINT, sum(ra), sum(\"dec\"), sum(mjd), sum(mag), sum(magerr) " +
            $"FROM read_parquet({Quote(path)})";
        using var reader = command.ExecuteReader();
        if (!reader.Read())
            throw new InvalidDataException($"DuckDB returned no row for {path}.");
        return new Sums(reader.GetInt64(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4),
            reader.GetDouble(5), reader.GetDouble(6));
    }

    /// <summary>Every value, not sums: our reader gets the generated rows back from both writers' files, bit for bit,
    /// and DuckDB finds our file and its own identical row by row.</summary>
    private static void CheckExactly(DuckDBConnection connection, LightCurves data, string ours, params string[] others)
    {
        foreach (var path in (string[])[ours, .. others])
        {
            using var file = ProductFile.Open(path);
            Same("source_id", file.Column<long>("source_id"), data.SourceId);
            Same("ra", file.Column<double>("ra"), data.Ra);
            Same("dec", file.Column<double>("dec"), data.Dec);
            Same("mjd", file.Column<double>("mjd"), data.Mjd);
            Same("mag", file.Column<float>("mag"), data.Mag);
            Same("magerr", file.Column<double>("magerr"), data.MagErr);

            void Same<T>(string column, T[] got, T[] want) where T : struct
            {
                if (got.Length != want.Length)
                    throw new InvalidDataException($"our reader, {path}: column {column} has {got.Length} rows, not {want.Length}.");
                for (var i = 0; i < got.Length; i++)
                    if (!EqualityComparer<T>.Default.Equals(got[i], want[i]))
                        throw new InvalidDataException($"our reader, {path}: column {column} row {i} is {got[i]}, the generated row has {want[i]}.");
            }
        }
        foreach (var other in others)
        {
            var differing = Scalar(connection,
                $"SELECT count(*) FROM (SELECT {Columns} FROM read_parquet({Quote(ours)})) a POSITIONAL JOIN " +
                $"(SELECT {Columns} FROM read_parquet({Quote(other)})) b WHERE a.source_id IS DISTINCT FROM b.source_id " +
                "OR a.ra IS DISTINCT FROM b.ra OR a.\"dec\" IS DISTINCT FROM b.\"dec\" OR a.mjd IS DISTINCT FROM b.mjd " +
                "OR a.mag IS DISTINCT FROM b.mag OR a.magerr IS DISTINCT FROM b.magerr");
            if (Convert.ToInt64(differing, CultureInfo.InvariantCulture) != 0)
                throw new InvalidDataException($"DuckDB finds {differing} rows that differ between {ours} and {other}.");
        }
        Console.WriteLine("Exact check passed: every value of all three files, through our reader and through DuckDB.");
    }

    private static void Report(int rows, int rounds, long defaultThreads, object? duckVersion, double loadSeconds,
        List<Measurement> measurements, string[] files)
    {
        Console.WriteLine();
        Console.WriteLine($"{rows:N0} rows x 6 columns (source_id INT64; ra, dec, mjd, magerr DOUBLE; mag FLOAT), snappy; " +
            $"{rounds} rounds after a warm-up. {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
            $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC, DuckDB {duckVersion} (default threads {defaultThreads}).");
        foreach (var path in files)
        {
            using var file = ProductFile.Open(path);
            Console.WriteLine($"  {Path.GetFileName(path)}: {new FileInfo(path).Length / 1e6:F1} MB, {file.Reader.RowGroupCount} row groups");
        }
        Console.WriteLine($"  DuckDB appender load of the same rows into its in-memory table (once, not timed as a write): {loadSeconds:F2} s, {rows / loadSeconds / 1e6:F2} M rows/s");
        Console.WriteLine();
        Console.WriteLine("| measurement | median s | min s | M rows/s, median | M rows/s, best | .NET heap allocated, MB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var m in measurements)
            Console.WriteLine($"| {m.Kind}: {m.Label} | {m.Median:F3} | {m.Min:F3} | {rows / m.Median / 1e6:F2} | {rows / m.Min / 1e6:F2} | " +
                $"{(m.Key.StartsWith("duckdb", StringComparison.Ordinal) ? "(native)" : (m.AllocatedMedian / 1e6).ToString("F0", CultureInfo.InvariantCulture))} |");

        var byKey = measurements.ToDictionary(m => m.Kind + "/" + m.Key);
        Console.WriteLine();
        Console.WriteLine("Ratios are of times (ours/DuckDB: 2.0 means ours takes twice as long), from this run's medians and best times.");
        Console.WriteLine();
        Console.WriteLine("| comparison | ours/DuckDB, median | ours/DuckDB, best |");
        Console.WriteLine("|---|---:|---:|");
        var goals = new List<string>();
        Compare("write: ours vs DuckDB COPY, threads=1", "write/ours", "write/duckdb1", "writing within 3x of DuckDB (threads=1)");
        Compare($"write: ours vs DuckDB COPY, default threads ({defaultThreads})", "write/ours", "write/duckdb",
            $"writing within 3x of DuckDB (default threads, {defaultThreads})");
        Compare("read, each its own file: ours vs DuckDB, threads=1", "read/ours", "read/duckdb1", "reading within 3x of DuckDB (threads=1)");
        Compare($"read, each its own file: ours vs DuckDB, default threads ({defaultThreads})", "read/ours", "read/duckdb",
            $"reading within 3x of DuckDB (default threads, {defaultThreads})");
        Compare("read, DuckDB's file: ours vs DuckDB, threads=1", "read/ours-duckfile", "read/duckdb1", null);
        Compare("read, our file: ours vs DuckDB, threads=1", "read/ours", "read/duckdb1-ourfile", null);
        Console.WriteLine();
        foreach (var goal in goals)
            Console.WriteLine(goal);

        void Compare(string what, string ourKey, string theirKey, string? goal)
        {
            var (o, t) = (byKey[ourKey], byKey[theirKey]);
            var median = o.Median / t.Median;
            Console.WriteLine($"| {what} | {median:F2} | {o.Min / t.Min:F2} |");
            if (goal is not null)
                goals.Add($"Goal: {goal}: {(median <= 3 ? "MET" : "NOT MET")} ({median:F2}x, median)");
        }
    }

    private static void Collect()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static string Quote(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>One thing timed: what it does, under which DuckDB thread setting, and its times over the rounds.</summary>
internal sealed record Measurement(string Kind, string Key, string Label, Func<Sums?> Run, long? Threads = null)
{
    private readonly List<double> _seconds = [];
    private readonly List<long> _allocated = [];

    public void Record(double seconds, long allocated)
    {
        _seconds.Add(seconds);
        _allocated.Add(allocated);
    }

    public double Median => MedianOf(_seconds.ToList());

    public double Min => _seconds.Min();

    public double AllocatedMedian => MedianOf(_allocated.Select(a => (double)a).ToList());

    private static double MedianOf(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}

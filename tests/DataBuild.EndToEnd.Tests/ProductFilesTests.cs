using DataBuild.EndToEnd.Tests.Support;
using DataBuild.Products;
using DuckDB.NET.Data;

namespace DataBuild.EndToEnd.Tests;

/// <summary>The Parquet files the example pipelines write, and <c>./build.sh inspect</c>, through the published program.</summary>
public sealed class ProductFilesTests
{
    // Every product kind of the three example pipelines: light curves, quad lists, features, training sets, predictions,
    // CCD images with their WCS and calibration metadata, reference stars, brick lists, catalogs, sweeps, matches, scores.
    private static readonly string[][] Builds =
    [
        ["CombinedPredictions", "--fields", "296"],
        ["ExternalMatch"],
        ["SweepScores"],
    ];

    [Fact]
    public async Task Every_product_is_byte_identical_in_two_clean_builds_and_DuckDB_reads_the_values_we_read()
    {
        using var first = new PipelineWorkspace();
        using var second = new PipelineWorkspace();
        foreach (var build in Builds)
        {
            var a = await first.Build(build);
            var b = await second.Build(build);
            Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Stderr + b.Stderr);
        }

        Assert.Equal(first.Products(), second.Products());
        var parquet = Directory.GetFiles(first.Path, "*.parquet", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/.databuild/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var kinds = parquet.Select(f => Path.GetRelativePath(first.Path, f).Split('/')[..2]).Select(p => string.Join('/', p)).Distinct().ToList();
        Assert.True(parquet.Count >= 40, $"only {parquet.Count} Parquet files");
        Assert.Contains("out/ztf", kinds);
        Assert.Contains("data/ztf", kinds);
        Assert.True(kinds.Count(k => k.StartsWith("out/", StringComparison.Ordinal)) >= 2, string.Join(", ", kinds));
        foreach (var file in parquet)
            AssertDuckDbReadsWhatWeRead(file);
    }

    [Fact]
    public async Task Inspect_reads_a_zstd_v2_file_from_DuckDB_and_a_bad_file_gets_one_line_and_exit_1()
    {
        using var ws = new PipelineWorkspace();
        var good = ws.File("duck.parquet");
        var truncated = ws.File("truncated.parquet");
        Execute($"""
            COPY (SELECT range AS source_id, range * 0.25 AS mag, 'g' AS band, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS seen, [range] AS epochs
                  FROM range(1000)) TO '{good}' (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION v2)
            """);
        File.WriteAllBytes(truncated, File.ReadAllBytes(good)[..^64]);

        var shown = await ws.Build("inspect", good, "--rows", "2");
        var bad = await ws.Build("inspect", truncated);

        Assert.True(shown.ExitCode == 0, shown.Stderr);
        Assert.Matches(@"mag\s+ZSTD\s+", shown.Output);
        Assert.Contains("rows:     1,000 in 1 row group(s)", shown.Output);
        Assert.Matches(@"1\s+0\.25\s+g\s+2024-01-02 03:04:05\.000000Z\s+\(list\)", shown.Output);
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal($"error: {truncated}: it does not end with the magic bytes PAR1: truncated, or still being written?", bad.Stderr.Trim());
    }

    private static void AssertDuckDbReadsWhatWeRead(string path)
    {
        using var ours = ProductFile.Open(path);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        // Paths such as field=296/ would otherwise add a hive partition column.
        command.CommandText = $"SELECT * FROM read_parquet('{path}', hive_partitioning = false)";
        using var duck = command.ExecuteReader();
        var names = Enumerable.Range(0, duck.FieldCount).Select(duck.GetName).ToList();
        Assert.Equal(ours.ColumnNames, names);
        var columns = names.Select((name, i) => (Array)(duck.GetDataTypeName(i).ToUpperInvariant() switch
        {
            "INTEGER" => ours.Column<int>(name),
            "BIGINT" => ours.Column<long>(name),
            "FLOAT" => ours.Column<float>(name),
            "DOUBLE" => ours.Column<double>(name),
            "BOOLEAN" => ours.Column<bool>(name),
            "VARCHAR" => ours.StringColumn(name),
            var type => throw new Xunit.Sdk.XunitException($"{path}: column {name} has DuckDB type {type}, which no product writes."),
        })).ToList();
        var row = 0;
        for (; duck.Read(); row++)
            for (var c = 0; c < names.Count; c++)
            {
                var (expected, actual) = (duck.GetValue(c), columns[c].GetValue(row));
                var same = (expected, actual) switch
                {
                    (double e, double a) => BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(a),
                    (float e, float a) => BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a),
                    _ => Equals(expected, actual),
                };
                Assert.True(same, $"{path}: column {names[c]} row {row}: DuckDB has {expected}, we read {actual}");
            }
        Assert.Equal(ours.RowCount, row);
    }

    private static void Execute(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

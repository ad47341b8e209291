using DataBuild.Products.Tests.Support;

namespace DataBuild.Products.Tests.Products;

/// <summary>Files DuckDB writes with every page version, encoding and codec: our column readers agree with DuckDB, cell by cell.</summary>
public class ReadingDuckDbFilesTests
{
    // Every type the pipelines read, with nulls, unicode, empty strings, low-cardinality strings and extreme doubles.
    private const string Select = """
        SELECT
          range::INTEGER AS i32,
          CASE WHEN range % 5 = 0 THEN NULL ELSE (range * 1000003)::BIGINT - 500000000 END AS i64,
          (range / 7.0)::FLOAT AS f32,
          CASE WHEN range % 3 = 0 THEN NULL WHEN range % 11 = 1 THEN 1.7976931348623157e308 WHEN range % 13 = 2 THEN -0.0 ELSE sin(range) * 1e6 END AS f64,
          range % 2 = 0 AS flag,
          CASE WHEN range % 4 = 0 THEN NULL ELSE range % 3 = 0 END AS maybe,
          ['g', 'r', 'i', 'z', 'y'][(range % 5) + 1] AS band,
          CASE range % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'étoile ' || range WHEN 3 THEN '銀河🌌' ELSE 'src-' || range END AS label,
          (range % 10)::SMALLINT AS small
        FROM range(0, {0})
        """;

    public static TheoryData<string, int> Variants()
    {
        var data = new TheoryData<string, int>();
        foreach (var codec in new[] { "uncompressed", "snappy", "gzip", "zstd" })
            foreach (var version in new[] { "v1", "v2" })
                foreach (var dictionary in new[] { "", ", dictionary_size_limit 0" })
                    data.Add($"compression {codec}, parquet_version {version}, row_group_size 700{dictionary}", 2500);
        data.Add("compression zstd", 1);
        data.Add("compression zstd", 0);
        data.Add("compression snappy, row_group_size 100000", 150_000);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_column_reads_as_DuckDB_reads_it(string options, int rows)
    {
        using var dir = new TempDirectory();
        var path = dir.File("duck.parquet");
        DuckDb.Write(path, string.Format(Select, rows), options);
        var duck = DuckDb.Read(path);

        using var file = ProductFile.Open(path);

        Assert.Equal(rows, file.RowCount);
        Assert.Equal(duck.Columns.Select(c => c.Name), file.ColumnNames);
        Cells.AssertSame(duck.Column("i32"), file.Column<int>("i32"), "i32");
        Cells.AssertSame(duck.Column("i64"), file.NullableColumn<long>("i64"), "i64");
        Cells.AssertSame(duck.Column("f32"), file.Column<float>("f32"), "f32");
        Cells.AssertSame(duck.Column("f64"), file.NullableColumn<double>("f64"), "f64");
        Cells.AssertSame(duck.Column("flag"), file.Column<bool>("flag"), "flag");
        Cells.AssertSame(duck.Column("maybe"), file.NullableColumn<bool>("maybe"), "maybe");
        Cells.AssertSame(duck.Column("band"), file.StringColumn("band"), "band");
        Cells.AssertSame(duck.Column("label"), file.NullableStringColumn("label"), "label");
        Cells.AssertSame(duck.Column("small"), file.Column<short>("small"), "small");
        var inspected = new StringWriter();
        ParquetInspector.Write(path, 3, inspected);
        Assert.Contains($"rows:     {rows:N0} in ", inspected.ToString());
        if (rows > 0) Assert.Matches(@$"label\s+{options.Split(',')[0].Split(' ')[1].ToUpperInvariant()}\s", inspected.ToString());
    }

    [Theory]
    [InlineData("compression zstd")]
    [InlineData("compression snappy, parquet_version v2")]
    [InlineData("compression gzip, dictionary_size_limit 0")]
    public void Inspect_reports_the_codec_the_rows_and_dates_of_a_DuckDB_file(string options)
    {
        using var dir = new TempDirectory();
        var path = dir.File("duck.parquet");
        DuckDb.Write(path, """
            SELECT range::BIGINT AS id, TIMESTAMPTZ '2021-03-04 05:06:07.123456+00' + to_microseconds(range) AS seen,
                   DATE '2020-01-01' + range::INTEGER AS night FROM range(3)
            """, options);
        var output = new StringWriter();

        ParquetInspector.Write(path, 2, output);

        var text = output.ToString();
        var codec = options.Split(',')[0].Split(' ')[1].ToUpperInvariant();
        Assert.Contains("rows:     3 in 1 row group(s)", text);
        Assert.Matches(@$"seen\s+{codec}\s", text);
        Assert.Matches(@"seen\s+INT64\s+TIMESTAMP\(MICROS, UTC\)\s+optional", text);
        Assert.Matches(@"1\s+2021-03-04 05:06:07\.123457Z\s+2020-01-02", text);
        Assert.Contains("first 2 row(s):", text);
    }

    [Fact]
    public void An_all_null_column_and_a_constant_column_of_many_rows_read_back()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sparse.parquet");
        DuckDb.Write(path, "SELECT NULL::DOUBLE AS nothing, 42::BIGINT AS answer, 'same' AS s FROM range(300000)", "row_group_size 300000");

        using var file = ProductFile.Open(path);

        Assert.All(file.NullableColumn<double>("nothing"), v => Assert.Null(v));
        Assert.All(file.Column<long>("answer"), v => Assert.Equal(42, v));
        Assert.All(file.StringColumn("s"), v => Assert.Equal("same", v));
    }

    [Fact]
    public void Nested_columns_are_shown_as_such_by_inspect_and_refused_by_name_by_the_column_readers()
    {
        using var dir = new TempDirectory();
        var path = dir.File("nested.parquet");
        DuckDb.Write(path, "SELECT range AS id, [range, range + 1] AS points, {'a': range, 'b': 'x'} AS pair, MAP {'k': range} AS tags FROM range(4)");
        var output = new StringWriter();

        ParquetInspector.Write(path, 4, output);
        using var file = ProductFile.Open(path);
        var list = Assert.Throws<ProductFormatException>(() => file.Column<long>("points"));

        var text = output.ToString();
        Assert.Matches(@"points\s+group\s+LIST\s+optional", text);
        Assert.Matches(@"\n\s+element\s+INT64", text);
        Assert.Matches(@"tags\s+group\s+MAP", text);
        Assert.Matches(@"3\s+\(list\)\s+\(struct\)\s+\(map\)", text);
        Assert.Equal($"{path}: column 'points' is a nested list column; a flat column is needed here.", list.Message);
    }
}

using DataBuild.Products.Parquet;
using DataBuild.Products.Tests.Support;
using Xunit;

namespace DataBuild.Products.Tests.Parquet;

/// <summary>Files DuckDB writes with varied options; our reader must agree with DuckDB's own reading, cell by cell.</summary>
public class WeReadDuckDbFilesTests
{
    // Every type the pipelines use, with nulls, unicode, empty strings and low-cardinality strings.
    public const string Select = """
        SELECT
          range::INTEGER AS i32,
          CASE WHEN range % 5 = 0 THEN NULL ELSE (range * 1000003)::BIGINT - 500000000 END AS i64,
          (range / 7.0)::FLOAT AS f32,
          CASE WHEN range % 3 = 0 THEN NULL ELSE sin(range) * 1e6 END AS f64,
          range % 2 = 0 AS flag,
          CASE WHEN range % 4 = 0 THEN NULL ELSE range % 3 = 0 END AS maybe,
          ['g', 'r', 'i', 'z', 'y'][(range % 5) + 1] AS band,
          CASE range % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN 'étoile ' || range WHEN 3 THEN '銀河🌌' ELSE 'src-' || range END AS label,
          CASE WHEN range % 7 = 0 THEN NULL ELSE TIMESTAMPTZ '2021-03-04 05:06:07.123456+00' + to_microseconds(range * 997) END AS seen,
          DATE '2020-01-01' + (range % 400)::INTEGER AS night,
          (range % 10)::SMALLINT AS small
        FROM range(0, {0})
        """;

    public static TheoryData<string, int> Variants => new()
    {
        { "compression uncompressed", 1000 },
        { "compression snappy, row_group_size 700", 2500 },
        { "compression gzip, row_group_size 1000", 2500 },
        { "compression snappy, dictionary_compression_ratio_threshold 0", 2000 },
        { "compression uncompressed, dictionary_compression_ratio_threshold -1", 2000 },
        { "compression snappy, parquet_version v2", 3000 },
        { "compression gzip, parquet_version v2, row_group_size 1024", 3000 },
        { "compression uncompressed, parquet_version v2, dictionary_compression_ratio_threshold -1", 2000 },
        { "compression snappy", 1 },
        { "compression snappy", 0 },
        { "compression snappy, row_group_size 100000", 150_000 },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Reads_what_DuckDB_wrote_exactly_as_DuckDB_reads_it(string options, int rows)
    {
        using var dir = new TempDirectory();
        var path = dir.File("duck.parquet");
        DuckDb.Write(path, string.Format(Select, rows), options);

        using var file = ParquetFile.Open(path);
        Assert.Equal(rows, file.RowCount);
        var ours = ReadAll.Columns(file);

        ValueComparer.AssertSameAsDuckDb(DuckDb.Read(path), ours, file.Schema.Columns.Select(c => c.Name).ToList());
    }

    [Fact]
    public void Reads_an_all_null_column_and_a_constant_column_of_many_rows()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sparse.parquet");
        DuckDb.Write(path, "SELECT NULL::DOUBLE AS nothing, 42::BIGINT AS answer, 'same' AS s FROM range(300000)", "row_group_size 300000");

        using var file = ParquetFile.Open(path);
        var nothing = file.ReadColumn<double>("nothing");
        Assert.Equal(300_000, nothing.NullCount);
        Assert.All(file.ReadColumn<long>("answer").Values, v => Assert.Equal(42, v));
        Assert.All(file.ReadColumn<string>("s").Values, v => Assert.Equal("same", v));
    }
}

using DataBuild.Products.Parquet;
using DataBuild.Products.Tests.Support;
using Xunit;

namespace DataBuild.Products.Tests.Parquet;

/// <summary>Files from our writer, read by DuckDB: every value, null and type must match.</summary>
public class DuckDbReadsOurFilesTests
{
    public static TheoryData<ParquetCompression, ParquetDictionaryMode, int> Options => new()
    {
        { ParquetCompression.Uncompressed, ParquetDictionaryMode.None, 1000 },
        { ParquetCompression.Snappy, ParquetDictionaryMode.StringsOnly, 700 },
        { ParquetCompression.Gzip, ParquetDictionaryMode.All, 3000 },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void DuckDB_reads_every_value_we_write(ParquetCompression compression, ParquetDictionaryMode dictionary, int rowGroupSize)
    {
        using var dir = new TempDirectory();
        var path = dir.File("ours.parquet");
        var columns = SampleTable.Columns(2500);
        ParquetFileWriter.Write(path, SampleTable.Schema, columns,
            new ParquetWriteOptions { Compression = compression, Dictionary = dictionary, RowGroupSize = rowGroupSize, DataPageSize = 2048 });

        var duck = DuckDb.Read(path);

        Assert.Equal(
            ["INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DOUBLE", "BOOLEAN", "VARCHAR", "VARCHAR", "TIMESTAMP WITH TIME ZONE", "BOOLEAN"],
            duck.Columns.Select(c => c.Type));
        ValueComparer.AssertSameAsDuckDb(duck, columns, SampleTable.Schema.Columns.Select(c => c.Name).ToList());
    }

    [Fact]
    public void DuckDB_reads_an_empty_file_and_a_one_row_file()
    {
        using var dir = new TempDirectory();
        ParquetFileWriter.Write(dir.File("empty.parquet"), SampleTable.Schema, SampleTable.Columns(0));
        ParquetFileWriter.Write(dir.File("one.parquet"), SampleTable.Schema, SampleTable.Columns(1));

        Assert.Empty(DuckDb.Read(dir.File("empty.parquet")).Rows);
        ValueComparer.AssertSameAsDuckDb(DuckDb.Read(dir.File("one.parquet")), SampleTable.Columns(1),
            SampleTable.Schema.Columns.Select(c => c.Name).ToList());
    }

    [Fact]
    public void DuckDB_sees_our_statistics_and_key_value_metadata()
    {
        using var dir = new TempDirectory();
        var path = dir.File("meta.parquet");
        var schema = new ParquetSchema(new ParquetColumn("x", ParquetType.Int64, nullable: true));
        ParquetFileWriter.Write(path, schema, [new long?[] { 5, null, -3, 12 }.ToParquetColumn()], null,
            new Dictionary<string, string> { ["databuild.provenance"] = "inputs=3" });

        var stats = DuckDb.Query(path,
            "SELECT stats_min_value, stats_max_value, stats_null_count::VARCHAR FROM parquet_metadata(?)");
        Assert.Equal(["-3", "12", "1"], stats.Rows[0].Select(v => v.GetString()));
        var kv = DuckDb.Query(path, "SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)");
        Assert.Equal(["databuild.provenance", "inputs=3"], kv.Rows[0].Select(v => v.GetString()));
    }
}

using DataBuild.Products.Parquet;
using DataBuild.Products.Tests.Support;
using Xunit;

namespace DataBuild.Products.Tests.Parquet;

public class RoundTripTests
{
    public static TheoryData<ParquetCompression, ParquetDictionaryMode> Options => new()
    {
        { ParquetCompression.Uncompressed, ParquetDictionaryMode.None },
        { ParquetCompression.Snappy, ParquetDictionaryMode.StringsOnly },
        { ParquetCompression.Gzip, ParquetDictionaryMode.All },
        { ParquetCompression.Uncompressed, ParquetDictionaryMode.All },
    };

    [Theory]
    [MemberData(nameof(Options))]
    public void Every_value_and_null_survives_a_write_and_read(ParquetCompression compression, ParquetDictionaryMode dictionary)
    {
        using var dir = new TempDirectory();
        var columns = SampleTable.Columns(5000);
        var path = dir.File("t.parquet");
        ParquetFileWriter.Write(path, SampleTable.Schema, columns,
            new ParquetWriteOptions { Compression = compression, Dictionary = dictionary, RowGroupSize = 1500, DataPageSize = 4096 });

        using var file = ParquetFile.Open(path);
        Assert.Equal(5000, file.RowCount);
        Assert.Equal(4, file.RowGroupCount);
        var read = ReadAll.Columns(file);
        for (int c = 0; c < columns.Count; c++)
            for (int r = 0; r < 5000; r++)
                Assert.True(Equals(columns[c].GetValue(r), read[c].GetValue(r)),
                    $"column {SampleTable.Schema[c].Name} row {r}: wrote {columns[c].GetValue(r)}, read {read[c].GetValue(r)}");
    }

    [Fact]
    public void The_same_rows_and_options_give_byte_identical_files()
    {
        using var dir = new TempDirectory();
        var kv = new Dictionary<string, string> { ["databuild.recipe"] = "features v3" };
        ParquetFileWriter.Write(dir.File("a.parquet"), SampleTable.Schema, SampleTable.Columns(3000), null, kv);
        ParquetFileWriter.Write(dir.File("b.parquet"), SampleTable.Schema, SampleTable.Columns(3000), null, kv);
        ParquetFileWriter.Write(dir.File("c.parquet"), SampleTable.Schema, SampleTable.Columns(3000, seed: 2), null, kv);

        var a = File.ReadAllBytes(dir.File("a.parquet"));
        Assert.Equal(a, File.ReadAllBytes(dir.File("b.parquet")));
        Assert.NotEqual(a, File.ReadAllBytes(dir.File("c.parquet")));
    }

    [Fact]
    public void Footer_exposes_statistics_and_key_value_metadata_without_reading_pages()
    {
        using var dir = new TempDirectory();
        var path = dir.File("s.parquet");
        var schema = new ParquetSchema(new ParquetColumn("x", ParquetType.Double, nullable: true), new ParquetColumn("name", ParquetType.String));
        ParquetFileWriter.Write(path, schema,
            [new double?[] { 3.5, null, -1.25, double.NaN, 7 }.ToParquetColumn(), new ParquetColumnData<string>(["b", "a", "é", "c", "a"])],
            null, new Dictionary<string, string> { ["provenance"] = "{\"inputs\":3}" });

        var meta = ParquetFile.ReadMetadata(path);
        var x = meta.RowGroups[0].Columns[0].Statistics!;
        Assert.Equal(-1.25, x.Min);
        Assert.Equal(7.0, x.Max);
        Assert.Equal(1L, x.NullCount);
        var name = meta.RowGroups[0].Columns[1].Statistics!;
        Assert.Equal("a", name.Min);
        Assert.Equal("é", name.Max);
        Assert.Equal("{\"inputs\":3}", meta.GetMetadata("provenance"));
        Assert.Contains(ParquetEncoding.RleDictionary, meta.RowGroups[0].Columns[1].Encodings);
    }

    [Fact]
    public void An_empty_table_writes_a_readable_file_with_no_rows()
    {
        using var dir = new TempDirectory();
        var path = dir.File("empty.parquet");
        ParquetFileWriter.Write(path, SampleTable.Schema, SampleTable.Columns(0));
        using var file = ParquetFile.Open(path);
        Assert.Equal(0, file.RowCount);
        Assert.Equal(SampleTable.Schema.Columns.Select(c => c.Name), file.Schema.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Reading_a_column_as_the_wrong_type_names_the_type_to_use()
    {
        using var dir = new TempDirectory();
        var path = dir.File("t.parquet");
        ParquetFileWriter.Write(path, SampleTable.Schema, SampleTable.Columns(10));
        using var file = ParquetFile.Open(path);
        var e = Assert.Throws<InvalidOperationException>(() => file.RowGroup(0).ReadColumn<int>("ra"));
        Assert.Contains("read it as Double", e.Message);
        var missing = Assert.Throws<KeyNotFoundException>(() => file.RowGroup(0).ReadColumn<int>("nope"));
        Assert.Contains("Available columns are: quad, source_id", missing.Message);
    }

    [Fact]
    public void Writing_a_null_into_a_required_column_says_how_to_fix_it()
    {
        var schema = new ParquetSchema(new ParquetColumn("s", ParquetType.String));
        using var stream = new MemoryStream();
        using var writer = new ParquetFileWriter(stream, schema, leaveOpen: true);
        var e = Assert.Throws<ArgumentException>(() => writer.WriteRowGroup(new ParquetColumnData<string>(["a", null!])));
        Assert.Contains("nullable: true", e.Message);
    }
}

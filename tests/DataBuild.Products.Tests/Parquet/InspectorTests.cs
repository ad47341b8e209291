using DataBuild.Products.Parquet;
using DataBuild.Products.Tests.Support;
using Xunit;

namespace DataBuild.Products.Tests.Parquet;

public class InspectorTests
{
    [Fact]
    public void Inspect_prints_schema_row_groups_statistics_metadata_and_first_rows()
    {
        using var dir = new TempDirectory();
        var path = dir.File("catalog.parquet");
        var schema = new ParquetSchema(new ParquetColumn("quad", ParquetType.Int32), new ParquetColumn("band", ParquetType.String, nullable: true));
        ParquetFileWriter.Write(path, schema,
            [new ParquetColumnData<int>([296, 12, 7]), new string?[] { "g", null, "r" }.ToParquetColumn()],
            new ParquetWriteOptions { RowGroupSize = 2 }, new Dictionary<string, string> { ["databuild.target"] = "catalog/field296" });

        var output = new StringWriter();
        ParquetInspector.Write(path, 2, output);
        string text = output.ToString();

        Assert.Contains("rows:     3 in 2 row group(s)", text);
        Assert.Contains("quad    Int32   Int32", text);
        Assert.Contains("STRING", text);
        Assert.Contains("row group 1: 1 rows", text);
        Assert.Contains("databuild.target = catalog/field296", text);
        Assert.Contains("first 2 row(s):", text);
        Assert.Matches(@"296\s+g", text);
        Assert.Matches(@"12\s+null", text);
        Assert.DoesNotMatch(@"7\s+r\s*$", text.TrimEnd());
    }

    [Fact]
    public void Inspect_names_legacy_converted_types_as_the_spec_does()
    {
        var output = new StringWriter();

        ParquetInspector.Write(Path.Combine(RepositoryPaths.Golden, "empty.parquet"), 0, output);

        Assert.Matches(@"i32\s+Int32\s+Int32\s+INT_32", output.ToString());
        Assert.Matches(@"night\s+Date\s+Int32\s+DATE", output.ToString());
    }

    [Fact]
    public void Inspect_of_a_non_parquet_file_throws_the_typed_exception()
    {
        using var dir = new TempDirectory();
        var path = dir.File("notes.txt");
        File.WriteAllText(path, "this is not parquet at all");
        var e = Assert.Throws<ParquetFormatException>(() => ParquetInspector.Write(path, 0, new StringWriter()));
        Assert.Contains("magic", e.Message);
    }
}

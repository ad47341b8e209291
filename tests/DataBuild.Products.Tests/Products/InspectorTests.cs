namespace DataBuild.Products.Tests.Products;

public class InspectorTests
{
    [Fact]
    public void Inspect_prints_schema_row_group_statistics_provenance_and_first_rows()
    {
        using var dir = new TempDirectory();
        var path = dir.File("catalog.parquet");
        new Table().Add("quad", [296, 12, 7]).AddNullable("band", ["g", null, "r"])
            .Write(path, new Provenance("Catalogs", "[brick=0001p000]", "2"), ("survey", "dr10"));
        var output = new StringWriter();

        ParquetInspector.Write(path, 2, output);

        var text = output.ToString();
        Assert.Contains("created:  Parquet.Net version 6.1.0", text);
        Assert.Contains("rows:     3 in 1 row group(s)", text);
        Assert.Matches(@"quad\s+INT32\s+INT\(32, signed\)\s+required", text);
        Assert.Matches(@"band\s+BYTE_ARRAY\s+(UTF8|STRING)\s+optional", text);
        Assert.Matches(@"quad\s+SNAPPY\s+\S+\s+\d+\s+7\s+296\s+0", text);
        Assert.Matches(@"band\s+SNAPPY\s+\S+\s+\d+\s+g\s+r\s+1", text);
        Assert.Contains("made by DataBuild: target Catalogs, partition [brick=0001p000], task version 2", text);
        Assert.Contains("survey = dr10", text);
        Assert.DoesNotContain("databuild.target =", text);
        Assert.Contains("first 2 row(s):", text);
        Assert.Matches(@"296\s+g", text);
        Assert.Matches(@"12\s+null", text);
        Assert.DoesNotMatch(@"7\s+r\s*$", text.TrimEnd());
    }

    [Fact]
    public void Inspect_of_a_non_parquet_file_throws_the_one_line_error()
    {
        using var dir = new TempDirectory();
        var path = dir.File("notes.txt");
        File.WriteAllText(path, "this is not parquet at all");

        var e = Assert.Throws<ProductFormatException>(() => ParquetInspector.Write(path, 0, new StringWriter()));

        Assert.Equal($"{path}: not a Parquet file: it does not start with the magic bytes PAR1.", e.Message);
    }
}

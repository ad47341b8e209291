using System.Buffers.Binary;
using DataBuild.Products.Parquet;
using DataBuild.Products.Tests.Support;
using Xunit;

namespace DataBuild.Products.Tests.Parquet;

public class BadInputTests
{
    private static byte[] Golden(string name = "v1-snappy-dictionary") =>
        File.ReadAllBytes(Path.Combine(RepositoryPaths.Golden, name + ".parquet"));

    private static ParquetFormatException ReadFails(byte[] bytes)
    {
        return Assert.Throws<ParquetFormatException>(() =>
        {
            using var file = ParquetFile.Open(bytes, "bad.parquet");
            ReadAll.Columns(file);
        });
    }

    [Fact]
    public void A_file_too_short_to_be_parquet_is_reported_with_its_size()
    {
        var e = ReadFails("PAR1PAR"u8.ToArray());
        Assert.Contains("7 bytes", e.Message);
        Assert.Equal("bad.parquet", e.Path);
    }

    [Fact]
    public void Wrong_leading_magic_is_reported_at_offset_zero()
    {
        var bytes = Golden();
        bytes[0] = (byte)'X';
        var e = ReadFails(bytes);
        Assert.Equal(0, e.Offset);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void A_truncated_file_is_reported_as_probably_truncated()
    {
        var bytes = Golden();
        var e = ReadFails(bytes.AsSpan(0, bytes.Length - 100).ToArray());
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_footer_length_past_the_file_is_rejected_before_allocating()
    {
        var bytes = Golden();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), 0x7FFF_FFF0);
        var e = ReadFails(bytes);
        Assert.Equal(bytes.Length - 8, e.Offset);
        Assert.Contains("footer length", e.Message);
    }

    [Fact]
    public void A_corrupt_page_header_names_the_column_and_page_offset()
    {
        var bytes = Golden("v1-gzip-plain");
        using var original = ParquetFile.Open(bytes.ToArray(), "ok.parquet");
        long pageStart = original.Metadata.RowGroups[0].Columns[0].FileOffset;
        bytes.AsSpan((int)pageStart, 6).Fill(0xFF);

        var e = ReadFails(bytes);
        Assert.Contains("column 'i32'", e.Message);
        Assert.Equal(pageStart, e.Offset);
    }

    [Fact]
    public void Encrypted_and_nested_files_fail_with_the_feature_named()
    {
        var bytes = Golden();
        "PARE"u8.CopyTo(bytes.AsSpan(bytes.Length - 4));
        Assert.Contains("encrypted", ReadFails(bytes).Message);
    }
}

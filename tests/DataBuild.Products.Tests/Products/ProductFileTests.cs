using System.Buffers.Binary;
using DataBuild.Products.Tests.Support;

namespace DataBuild.Products.Tests.Products;

/// <summary>Reading what is not the product asked for: every problem is one line naming the file and what is wrong.</summary>
public class ProductFileTests
{
    private static byte[] Valid()
    {
        var stream = new MemoryStream();
        new Table().Add("ra", Enumerable.Range(0, 1000).Select(i => i * 0.5).ToArray()).Add("band", Enumerable.Repeat("g", 1000).ToArray())
            .Write(stream, new Provenance("T", "[]", "1").Metadata());
        return stream.ToArray();
    }

    private static ProductFormatException Fails(byte[] bytes, Action<ProductFile>? read = null)
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.parquet");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<ProductFormatException>(() =>
        {
            using var file = ProductFile.Open(path);
            (read ?? (f => f.Column<double>("ra")))(file);
        });
        Assert.Equal(path, e.Path);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e;
    }

    [Fact]
    public void An_empty_file_is_named_as_empty()
    {
        Assert.EndsWith(": the file is empty, not Parquet.", Fails([]).Message);
    }

    [Fact]
    public void A_file_too_short_to_be_parquet_is_reported_with_its_size()
    {
        Assert.EndsWith(": 7 bytes is too short to be a Parquet file (truncated?).", Fails("PAR1PAR"u8.ToArray()).Message);
    }

    [Fact]
    public void A_file_of_another_format_is_not_parquet()
    {
        Assert.EndsWith(": not a Parquet file: it does not start with the magic bytes PAR1.", Fails("source_id,ra,dec\n1,2,3\n4,5,6\n"u8.ToArray()).Message);
    }

    [Fact]
    public void A_truncated_file_is_reported_as_truncated()
    {
        var bytes = Valid();
        Assert.Contains("truncated", Fails(bytes[..^100]).Message);
    }

    [Fact]
    public void A_footer_length_past_the_file_is_rejected()
    {
        var bytes = Valid();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), 0x7FFF_FFF0);
        Assert.Contains($"its footer length (2147483632 bytes) is more than the file holds ({bytes.Length} bytes)", Fails(bytes).Message);
    }

    [Fact]
    public async Task Every_footer_length_short_of_the_real_one_fails_with_a_message_and_never_hangs()
    {
        // Parquet.Net loops forever on some footers that start inside the real one (the fault fuzzer found lengths 50,
        // 52 and 55 of a ZTF quad file): the footer's encoding is checked first. Each length runs on a worker with a
        // deadline, so that a hang fails this test rather than stalling the run.
        var bytes = Valid();
        var real = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8));
        var hung = new List<int>();
        for (var length = 0; length < real; length++)
        {
            var damaged = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(damaged.AsSpan(damaged.Length - 8), (uint)length);
            var read = Task.Run(() => Fails(damaged, f => { _ = f.ColumnNames; f.Column<double>("ra"); }));
            if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))) != read) hung.Add(length);
            else Assert.Contains("footer", (await read).Message);
        }
        Assert.True(hung.Count == 0, $"footer lengths that hung: {string.Join(", ", hung)} (of {real})");
    }

    [Fact]
    public async Task Bytes_flipped_in_the_footer_fail_with_a_message_or_read_and_never_hang()
    {
        var bytes = Valid();
        var real = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8));
        var random = new Random(17);
        var hung = new List<string>();
        for (var n = 0; n < 300; n++)
        {
            var damaged = (byte[])bytes.Clone();
            var at = damaged.Length - 8 - real + random.Next(real);
            damaged[at] ^= (byte)random.Next(1, 256);
            var read = Task.Run(() =>
            {
                using var dir = new TempDirectory();
                var path = dir.File("flipped.parquet");
                File.WriteAllBytes(path, damaged);
                try
                {
                    using var file = ProductFile.Open(path);
                    file.Column<double>("ra");
                }
                catch (ProductFormatException e)
                {
                    Assert.StartsWith(path + ": ", e.Message);
                }
            });
            if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))) != read) hung.Add($"byte {at}");
            else await read;
        }
        Assert.True(hung.Count == 0, $"flips that hung: {string.Join(", ", hung)}");
    }

    [Fact]
    public void An_encrypted_file_is_named_as_such()
    {
        var bytes = Valid();
        "PARE"u8.CopyTo(bytes.AsSpan(bytes.Length - 4));
        Assert.Contains("an encrypted Parquet file", Fails(bytes).Message);
    }

    [Fact]
    public void A_corrupt_data_page_names_the_column_it_was_reading()
    {
        var bytes = Valid();
        bytes.AsSpan(4, 40).Fill(0xFF);
        Assert.Contains("cannot read column 'ra' in row group 0", Fails(bytes).Message);
    }

    [Fact]
    public void A_missing_column_lists_the_columns_there_are()
    {
        var e = Fails(Valid(), f => f.Column<double>("dec"));
        Assert.EndsWith(": no column 'dec'. Its columns are: ra, band.", e.Message);
    }

    [Fact]
    public void A_column_read_as_the_wrong_type_names_both_types()
    {
        Assert.EndsWith(": column 'ra' holds double values, not float.", Fails(Valid(), f => f.Column<float>("ra")).Message);
        Assert.EndsWith(": column 'band' holds string values, not int64.", Fails(Valid(), f => f.Column<long>("band")).Message);
    }

    [Fact]
    public void A_null_where_every_row_needs_a_value_names_the_row()
    {
        using var dir = new TempDirectory();
        var path = dir.File("nulls.parquet");
        DuckDb.Write(path, "SELECT CASE WHEN range = 3 THEN NULL ELSE (range * 0.5)::DOUBLE END AS mag, CASE WHEN range = 5 THEN NULL ELSE 'x' END AS s FROM range(10)");
        using var file = ProductFile.Open(path);

        var number = Assert.Throws<ProductFormatException>(() => file.Column<double>("mag"));
        var text = Assert.Throws<ProductFormatException>(() => file.StringColumn("s"));

        Assert.Equal($"{path}: column 'mag' has a null at row 3; a value is needed in every row.", number.Message);
        Assert.Equal($"{path}: column 's' has a null at row 5; a value is needed in every row.", text.Message);
        Assert.Null(file.NullableColumn<double>("mag")[3]);
    }
}

using DataBuild.Products.Tests.Support;

namespace DataBuild.Products.Tests.Products;

/// <summary>The table writer: what it writes DuckDB reads back exactly, and the same rows make the same bytes.</summary>
public class TableTests
{
    private static readonly Provenance Made = new("Features", "[field=296,ccd=3,quad=2]", "1");

    private static Table Sample(int rows, int seed = 1)
    {
        var random = new Random(seed);
        string[] bands = ["g", "r", "i", "z", "y"];
        string[] labels = ["", "étoile", "銀河", "quasar 🌌", "x"];
        return new Table()
            .Add("quad", Enumerable.Range(0, rows).Select(i => i % 7 == 0 ? (i % 2 == 0 ? int.MinValue : int.MaxValue) : random.Next(-1000, 1000)).ToArray())
            .Add("source_id", Enumerable.Range(0, rows).Select(i => i == 1 ? long.MinValue : i == 2 ? long.MaxValue : random.NextInt64()).ToArray())
            .Add("mag", Enumerable.Range(0, rows).Select(i => i % 5 == 4 ? (float?)null : (float)(random.NextDouble() * 30 - 5)).ToArray())
            .Add("ra", Enumerable.Range(0, rows).Select(i => i == 3 ? -0.0 : i == 4 ? double.Epsilon : i == 5 ? double.MaxValue : random.NextDouble() * 360).ToArray())
            .Add("dec", Enumerable.Range(0, rows).Select(i => i % 3 == 2 ? (double?)null : random.NextDouble() * 180 - 90).ToArray())
            .Add("n_obs", Enumerable.Range(0, rows).Select(i => i % 4 == 0 ? (int?)null : i).ToArray())
            .Add("first_seen", Enumerable.Range(0, rows).Select(i => i % 6 == 0 ? (long?)null : i * 1000L).ToArray())
            .Add("is_star", Enumerable.Range(0, rows).Select(i => i % 2 == 1 ? (bool?)null : random.Next(2) == 1).ToArray())
            .Add("flag", Enumerable.Range(0, rows).Select(i => i % 3 == 0).ToArray())
            .Add("weight", Enumerable.Range(0, rows).Select(i => (float)i / 3).ToArray())
            .Add("band", Enumerable.Range(0, rows).Select(_ => bands[random.Next(bands.Length)]).ToArray())
            .AddNullable("label", Enumerable.Range(0, rows).Select(i => i % 4 == 1 ? null : labels[random.Next(labels.Length)] + (i % 3 == 0 ? i.ToString() : "")).ToArray());
    }

    [Theory]
    [InlineData(2500)]
    [InlineData(1)]
    [InlineData(0)]
    public void DuckDB_reads_every_value_and_type_we_write(int rows)
    {
        using var dir = new TempDirectory();
        var path = dir.File("ours.parquet");
        Sample(rows).Write(path, Made);
        using var file = ProductFile.Open(path);

        var duck = DuckDb.Read(path);

        Assert.Equal(
            ["INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DOUBLE", "INTEGER", "BIGINT", "BOOLEAN", "BOOLEAN", "FLOAT", "VARCHAR", "VARCHAR"],
            duck.Columns.Select(c => c.Type.ToUpperInvariant()));
        Assert.Equal(rows, duck.Rows.Count);
        Cells.AssertSame(duck.Column("quad"), file.Column<int>("quad"), "quad");
        Cells.AssertSame(duck.Column("source_id"), file.Column<long>("source_id"), "source_id");
        Cells.AssertSame(duck.Column("mag"), file.NullableColumn<float>("mag"), "mag");
        Cells.AssertSame(duck.Column("ra"), file.Column<double>("ra"), "ra");
        Cells.AssertSame(duck.Column("dec"), file.NullableColumn<double>("dec"), "dec");
        Cells.AssertSame(duck.Column("n_obs"), file.NullableColumn<int>("n_obs"), "n_obs");
        Cells.AssertSame(duck.Column("first_seen"), file.NullableColumn<long>("first_seen"), "first_seen");
        Cells.AssertSame(duck.Column("is_star"), file.NullableColumn<bool>("is_star"), "is_star");
        Cells.AssertSame(duck.Column("flag"), file.Column<bool>("flag"), "flag");
        Cells.AssertSame(duck.Column("weight"), file.Column<float>("weight"), "weight");
        Cells.AssertSame(duck.Column("band"), file.StringColumn("band"), "band");
        Cells.AssertSame(duck.Column("label"), file.NullableStringColumn("label"), "label");
    }

    [Fact]
    public void The_same_rows_written_twice_in_separate_directories_are_the_same_bytes()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();

        Sample(5000, seed: 7).Write(first.File("a.parquet"), Made, ("band_order", "grizy"));
        Sample(5000, seed: 7).Write(second.File("a.parquet"), Made, ("band_order", "grizy"));

        Assert.Equal(File.ReadAllBytes(first.File("a.parquet")), File.ReadAllBytes(second.File("a.parquet")));
    }

    [Fact]
    public void Provenance_and_metadata_are_written_in_order_and_read_back_by_DuckDB()
    {
        using var dir = new TempDirectory();
        var path = dir.File("meta.parquet");
        new Table().Add("x", [5L, -3, 12]).Write(path, Made, ("exposure", "7"), ("ccd", "3"));
        using var file = ProductFile.Open(path);

        var kv = DuckDb.Query(path, "SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)");
        var stats = DuckDb.Query(path, "SELECT stats_min_value, stats_max_value FROM parquet_metadata(?)");

        string[] expected = ["databuild.target", "Features", "databuild.partition", "[field=296,ccd=3,quad=2]", "databuild.task_version", "1", "exposure", "7", "ccd", "3"];
        Assert.Equal(expected, kv.Rows.SelectMany(r => r.Select(v => (string)v!)));
        Assert.Equal(expected, file.Metadata.SelectMany(kv => new[] { kv.Key, kv.Value }));
        Assert.Equal(Made, Provenance.From(file.Metadata));
        Assert.Equal(["-3", "12"], stats.Rows[0].Select(v => (string)v!));
    }

    [Fact]
    public void More_rows_than_a_row_group_holds_are_split_into_groups_of_fixed_size()
    {
        using var dir = new TempDirectory();
        var path = dir.File("big.parquet");
        var rows = Table.RowsPerGroup + 10;
        new Table().Add("i", Enumerable.Range(0, rows).ToArray()).Write(path, Made);
        using var file = ProductFile.Open(path);

        var groups = DuckDb.Query(path, "SELECT row_group_num_rows FROM parquet_metadata(?) ORDER BY row_group_id");

        Assert.Equal([(long)Table.RowsPerGroup, 10L], groups.Rows.Select(r => Convert.ToInt64(r[0])));
        Assert.Equal(Enumerable.Range(0, rows), file.Column<int>("i"));
    }

    [Fact]
    public void Columns_of_different_lengths_a_repeated_name_and_a_null_in_a_required_string_column_are_refused()
    {
        var table = new Table().Add("a", [1, 2, 3]);

        var length = Assert.Throws<ArgumentException>(() => table.Add("b", [1.0, 2.0]));
        var repeated = Assert.Throws<ArgumentException>(() => table.Add("a", [4L, 5, 6]));
        var nullString = Assert.Throws<ArgumentException>(() => table.Add("s", ["x", null!, "z"]));

        Assert.Equal("Column 'b' has 2 rows but 'a' has 3.", length.Message);
        Assert.Equal("Column 'a' is already in the table; column names must be unique.", repeated.Message);
        Assert.Equal("Column 's' is a required string column but row 1 is null; use AddNullable for a column with nulls.", nullString.Message);
    }
}

using DataBuild.Products.Parquet;

namespace DataBuild.Products.Tests.Support;

/// <summary>A deterministic table covering every type the writer writes, with nulls, unicode and edge values.</summary>
public static class SampleTable
{
    public static ParquetSchema Schema { get; } = new(
        new ParquetColumn("quad", ParquetType.Int32),
        new ParquetColumn("source_id", ParquetType.Int64),
        new ParquetColumn("mag", ParquetType.Float, nullable: true),
        new ParquetColumn("ra", ParquetType.Double),
        new ParquetColumn("dec", ParquetType.Double, nullable: true),
        new ParquetColumn("is_star", ParquetType.Boolean, nullable: true),
        new ParquetColumn("band", ParquetType.String),
        new ParquetColumn("label", ParquetType.String, nullable: true),
        new ParquetColumn("observed", ParquetType.Timestamp, nullable: true),
        new ParquetColumn("flag", ParquetType.Boolean));

    private static readonly string[] Bands = ["g", "r", "i", "z", "y"];
    private static readonly string[] Labels = ["", "étoile", "銀河", "quasar 🌌", "x"];

    public static List<ParquetColumnData> Columns(int rows, int seed = 1)
    {
        var random = new Random(seed);
        bool[] Mask(int every) => Enumerable.Range(0, rows).Select(i => i % every == every - 1).ToArray();
        var quad = Enumerable.Range(0, rows).Select(i => i % 7 == 0 ? (i % 2 == 0 ? int.MinValue : int.MaxValue) : random.Next(-1000, 1000)).ToArray();
        var ids = Enumerable.Range(0, rows).Select(i => i == 1 ? long.MinValue : i == 2 ? long.MaxValue : random.NextInt64()).ToArray();
        var mag = Enumerable.Range(0, rows).Select(_ => (float)(random.NextDouble() * 30 - 5)).ToArray();
        var ra = Enumerable.Range(0, rows).Select(i => i == 3 ? -0.0 : i == 4 ? double.Epsilon : random.NextDouble() * 360).ToArray();
        var dec = Enumerable.Range(0, rows).Select(_ => random.NextDouble() * 180 - 90).ToArray();
        var star = Enumerable.Range(0, rows).Select(_ => random.Next(2) == 1).ToArray();
        var band = Enumerable.Range(0, rows).Select(_ => Bands[random.Next(Bands.Length)]).ToArray();
        var label = Enumerable.Range(0, rows).Select(i => i % 4 == 1 ? null : Labels[random.Next(Labels.Length)] + (i % 3 == 0 ? i.ToString() : "")).ToArray();
        var observed = Enumerable.Range(0, rows).Select(_ => DateTime.UnixEpoch.AddTicks(random.NextInt64(-1_000_000_000_000_000, 4_000_000_000_000_000) / 10 * 10)).ToArray();
        var flag = Enumerable.Range(0, rows).Select(i => i % 3 == 0).ToArray();
        return
        [
            new ParquetColumnData<int>(quad),
            new ParquetColumnData<long>(ids),
            new ParquetColumnData<float>(mag, Mask(5)),
            new ParquetColumnData<double>(ra),
            new ParquetColumnData<double>(dec, Mask(3)),
            new ParquetColumnData<bool>(star, Mask(2)),
            new ParquetColumnData<string>(band),
            label.ToParquetColumn(),
            new ParquetColumnData<DateTime>(observed, Mask(6)),
            new ParquetColumnData<bool>(flag),
        ];
    }
}

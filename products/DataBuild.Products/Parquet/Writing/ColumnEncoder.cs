using System.Text;
using DataBuild.Products.Parquet.Format;

namespace DataBuild.Products.Parquet.Writing;

/// <summary>
/// Converts user column data (<c>ParquetColumnData&lt;T&gt;</c>) into the physical values, null
/// levels and encoder a column chunk needs, checking that the data fits the schema column.
/// </summary>
internal static class ColumnEncoder
{
    public static ColumnChunkMeta Write(Stream output, ParquetColumn column, ParquetColumnData data, ParquetWriteOptions options)
    {
        bool dictionaryForAll = options.Dictionary == ParquetDictionaryMode.All;
        bool dictionaryForBytes = options.Dictionary != ParquetDictionaryMode.None;
        return (column.Type, data) switch
        {
            (ParquetType.Boolean, ParquetColumnData<bool> d) => Fixed(output, column, d, BooleanPhysical.Instance, options, dictionaryForAll),
            (ParquetType.Int32, ParquetColumnData<int> d) => Fixed(output, column, d, FixedPhysical<int>.Int32, options, dictionaryForAll),
            (ParquetType.Int64, ParquetColumnData<long> d) => Fixed(output, column, d, FixedPhysical<long>.Int64, options, dictionaryForAll),
            (ParquetType.Timestamp, ParquetColumnData<long> d) => Fixed(output, column, d, FixedPhysical<long>.Int64, options, dictionaryForAll),
            (ParquetType.Timestamp, ParquetColumnData<DateTime> d) => Fixed(output, column,
                new ParquetColumnData<long>(Array.ConvertAll(d.Values, Timestamps.ToMicros), d.Nulls), FixedPhysical<long>.Int64, options, dictionaryForAll),
            (ParquetType.Float, ParquetColumnData<float> d) => Fixed(output, column, d, FixedPhysical<float>.Float, options, dictionaryForAll),
            (ParquetType.Double, ParquetColumnData<double> d) => Fixed(output, column, d, FixedPhysical<double>.Double, options, dictionaryForAll),
            (ParquetType.String, ParquetColumnData<string> d) => Bytes(output, column, d.Values, d.Nulls, s => Encoding.UTF8.GetBytes(s), options, dictionaryForBytes),
            (ParquetType.Binary, ParquetColumnData<byte[]> d) => Bytes(output, column, d.Values, d.Nulls, b => b, options, dictionaryForBytes),
            _ => throw new ArgumentException(
                $"Column '{column.Name}' is {column.Type} but was given {data.ValueType.Name} values; pass ParquetColumnData<{ExpectedType(column.Type)}>."),
        };
    }

    private static string ExpectedType(ParquetType type) => type switch
    {
        ParquetType.Boolean => "bool",
        ParquetType.Int32 => "int",
        ParquetType.Int64 => "long",
        ParquetType.Timestamp => "DateTime> or ParquetColumnData<long",
        ParquetType.Float => "float",
        ParquetType.Double => "double",
        ParquetType.String => "string",
        _ => "byte[]",
    };

    private static ColumnChunkMeta Fixed<T>(Stream output, ParquetColumn column, ParquetColumnData<T> data, IPhysical<T> physical,
        ParquetWriteOptions options, bool dictionary) where T : notnull
    {
        if (data.Nulls is null || data.NullCount == 0)
            return ColumnChunkWriter.Write(output, column, physical, data.Values, column.Nullable ? Ones(data.Count) : null, data.Count, options, dictionary);
        RequireNullable(column, data.NullCount);
        var levels = new int[data.Count];
        var present = new T[data.Count - data.NullCount];
        int n = 0;
        for (int i = 0; i < data.Count; i++)
        {
            if (data.Nulls[i])
                continue;
            levels[i] = 1;
            present[n++] = data.Values[i];
        }
        return ColumnChunkWriter.Write(output, column, physical, present, levels, data.Count, options, dictionary);
    }

    // A null reference is a null row even without a mask, so string?[] works as it reads.
    private static ColumnChunkMeta Bytes<T>(Stream output, ParquetColumn column, T?[] values, bool[]? nulls,
        Func<T, byte[]> toBytes, ParquetWriteOptions options, bool dictionary) where T : class
    {
        var levels = new int[values.Length];
        var present = new List<byte[]>(values.Length);
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is null || (nulls is not null && nulls[i]))
                continue;
            levels[i] = 1;
            present.Add(toBytes(values[i]!));
        }
        int nullCount = values.Length - present.Count;
        if (nullCount > 0)
            RequireNullable(column, nullCount);
        return ColumnChunkWriter.Write(output, column, ByteArrayPhysical.Instance, present.ToArray(), column.Nullable ? levels : null, values.Length, options, dictionary);
    }

    private static void RequireNullable(ParquetColumn column, int nullCount)
    {
        if (!column.Nullable)
            throw new ArgumentException($"Column '{column.Name}' is required but {nullCount} values are null; declare it with nullable: true or fill the nulls.");
    }

    private static int[] Ones(int count)
    {
        var levels = new int[count];
        levels.AsSpan().Fill(1);
        return levels;
    }
}

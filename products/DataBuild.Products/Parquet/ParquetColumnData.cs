namespace DataBuild.Products.Parquet;

/// <summary>
/// The values of one column for a run of rows: what the writer takes and what the reader returns.
/// Values are row-aligned; a null row holds <c>default</c> in <see cref="ParquetColumnData{T}.Values"/>
/// and true in <see cref="Nulls"/>.
/// </summary>
public abstract class ParquetColumnData
{
    private protected ParquetColumnData(int count, bool[]? nulls)
    {
        if (nulls is not null && nulls.Length != count)
            throw new ArgumentException($"The null mask has {nulls.Length} entries for {count} values.", nameof(nulls));
        Count = count;
        Nulls = nulls;
    }

    public int Count { get; }

    /// <summary>True where the row is null; null when no row is.</summary>
    public bool[]? Nulls { get; }

    public abstract Type ValueType { get; }

    public bool IsNull(int row) => Nulls is not null && Nulls[row];

    public int NullCount => Nulls is null ? 0 : Nulls.Count(n => n);

    /// <summary>A boxed value or null, for display (<c>inspect</c>) rather than hot loops.</summary>
    public abstract object? GetValue(int row);

    /// <summary>A copy of a run of rows (used to split columns into row groups).</summary>
    public abstract ParquetColumnData Slice(int start, int count);
}

/// <summary>Typed column values: <c>int</c>, <c>long</c>, <c>float</c>, <c>double</c>, <c>bool</c>, <c>string</c>, <c>DateTime</c>, <c>byte[]</c>, ...</summary>
public sealed class ParquetColumnData<T> : ParquetColumnData
{
    public ParquetColumnData(T[] values, bool[]? nulls = null)
        : base(values.Length, nulls)
    {
        Values = values;
    }

    public T[] Values { get; }

    public override Type ValueType => typeof(T);

    public override object? GetValue(int row) => IsNull(row) ? null : Values[row];

    public override ParquetColumnData<T> Slice(int start, int count) =>
        new(Values.AsSpan(start, count).ToArray(), Nulls?.AsSpan(start, count).ToArray());
}

/// <summary>Shorthands for building column data from nullable arrays.</summary>
public static class ParquetColumnDataExtensions
{
    /// <summary>Column data from nullable values, e.g. <c>new double?[] { 1.5, null }</c>.</summary>
    public static ParquetColumnData<T> ToParquetColumn<T>(this T?[] values) where T : struct =>
        new(Array.ConvertAll(values, v => v.GetValueOrDefault()), values.Any(v => v is null) ? Array.ConvertAll(values, v => v is null) : null);

    /// <summary>Column data from strings where null means a null row.</summary>
    public static ParquetColumnData<string> ToParquetColumn(this string?[] values) =>
        new(values!, values.Any(v => v is null) ? Array.ConvertAll(values, v => v is null) : null);
}


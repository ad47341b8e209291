using DataBuild.Products.Parquet.Reading;

namespace DataBuild.Products.Parquet;

/// <summary>
/// Typed access to the columns of one row group. Each call decodes the column chunk afresh;
/// the engine reads a column once and keeps the <see cref="ParquetColumnData{T}"/>.
/// </summary>
public sealed class ParquetRowGroupReader
{
    private readonly IParquetSource _source;

    internal ParquetRowGroupReader(IParquetSource source, ParquetRowGroupInfo info)
    {
        _source = source;
        Info = info;
    }

    public ParquetRowGroupInfo Info { get; }

    public int Index => Info.Index;

    public long RowCount => Info.RowCount;

    public ParquetColumnData<T> ReadColumn<T>(string name) =>
        ReadColumn<T>(Info.Columns.Select(c => c.Column).ToList().FindIndex(c => c.Name == name) is var i and >= 0
            ? i
            : throw new KeyNotFoundException($"{_source.Name} has no column '{name}'. Available columns are: {string.Join(", ", Info.Columns.Select(c => c.Column.Name))}."));

    /// <summary>
    /// Reads a column as <typeparamref name="T"/>: bool, int, long, float, double, string, byte[],
    /// DateTime (timestamps, INT96), DateOnly (dates); raw long/int also work for timestamps/dates.
    /// </summary>
    public ParquetColumnData<T> ReadColumn<T>(int index)
    {
        var data = ReadColumn(index, typeof(T));
        return data as ParquetColumnData<T> ?? throw new InvalidOperationException(
            $"Column '{Info.Columns[index].Column.Name}' is {Info.Columns[index].Column.Type}; read it as {ColumnTypes.NaturalType(Info.Columns[index].Column).Name}, not {typeof(T).Name}.");
    }

    /// <summary>Reads a column as its natural .NET type (see <see cref="ParquetColumnData.ValueType"/>).</summary>
    public ParquetColumnData ReadColumn(int index) => ReadColumn(index, null);

    private ParquetColumnData ReadColumn(int index, Type? requested)
    {
        if ((uint)index >= (uint)Info.Columns.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the row group has {Info.Columns.Count} columns");
        var chunk = Info.Columns[index];
        var column = chunk.Column;
        if (column.UnsupportedReason is { } reason)
            throw new ErrorContext(_source.Name, chunk.FileOffset, column.Name).Unsupported(reason);
        return ColumnTypes.Read(_source, chunk, Info.RowCount, requested ?? ColumnTypes.NaturalType(column));
    }
}

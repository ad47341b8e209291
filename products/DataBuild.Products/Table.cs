using Parquet;
using Parquet.Schema;

namespace DataBuild.Products;

/// <summary>
/// A flat table assembled column by column, then written as one Parquet file with its provenance in the key-value
/// metadata. Nothing time- or machine-dependent goes into the file and the layout is fixed (snappy pages, row groups
/// of <see cref="RowsPerGroup"/> rows, metadata in the order given), so the same rows make the same bytes: early
/// cutoff and the clean-build comparison rely on it.
/// </summary>
public sealed class Table
{
    /// <summary>Rows per row group; a table with more rows is written as several groups of this size.</summary>
    public const int RowsPerGroup = 1_000_000;

    private readonly List<Column> _columns = [];

    /// <summary>The number of rows (that of the first column; every column must have as many).</summary>
    public int RowCount => _columns.Count == 0 ? 0 : _columns[0].Count;

    public Table Add(string name, int[] values) => Add(new Values<int>(new DataField<int>(name), values));

    public Table Add(string name, long[] values) => Add(new Values<long>(new DataField<long>(name), values));

    public Table Add(string name, float[] values) => Add(new Values<float>(new DataField<float>(name), values));

    public Table Add(string name, double[] values) => Add(new Values<double>(new DataField<double>(name), values));

    public Table Add(string name, bool[] values) => Add(new Values<bool>(new DataField<bool>(name), values));

    public Table Add(string name, int?[] values) => Add(new NullableValues<int>(new DataField<int?>(name), values));

    public Table Add(string name, long?[] values) => Add(new NullableValues<long>(new DataField<long?>(name), values));

    public Table Add(string name, float?[] values) => Add(new NullableValues<float>(new DataField<float?>(name), values));

    public Table Add(string name, double?[] values) => Add(new NullableValues<double>(new DataField<double?>(name), values));

    public Table Add(string name, bool?[] values) => Add(new NullableValues<bool>(new DataField<bool?>(name), values));

    /// <summary>A required string column: a null value is an error naming the column and row.</summary>
    public Table Add(string name, string[] values)
    {
        var row = Array.IndexOf(values, null);
        if (row >= 0)
            throw new ArgumentException($"Column '{name}' is a required string column but row {row} is null; use AddNullable for a column with nulls.");
        return Add(new Strings(new DataField<string>(name, nullable: false), values));
    }

    /// <summary>A string column whose null values are written as nulls.</summary>
    public Table AddNullable(string name, string?[] values) => Add(new Strings(new DataField<string>(name, nullable: true), values));

    private Table Add(Column column)
    {
        if (_columns.Any(c => c.Field.Name == column.Field.Name))
            throw new ArgumentException($"Column '{column.Field.Name}' is already in the table; column names must be unique.");
        if (_columns.Count > 0 && column.Count != RowCount)
            throw new ArgumentException($"Column '{column.Field.Name}' has {column.Count} rows but '{_columns[0].Field.Name}' has {RowCount}.");
        _columns.Add(column);
        return this;
    }

    /// <summary>Writes the table to <paramref name="path"/> with its provenance and further metadata entries, in that order.</summary>
    public void Write(string path, Provenance provenance, params IEnumerable<(string Key, string Value)> metadata)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        Write(stream, provenance.Metadata().Concat(metadata.Select(m => new KeyValuePair<string, string>(m.Key, m.Value))));
    }

    /// <summary>Writes the table to a stream with the given key-value metadata (a repeated key keeps its last value).</summary>
    public void Write(Stream stream, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        if (_columns.Count == 0)
            throw new InvalidOperationException("A table needs at least one column to be written.");
        WriteAsync(stream, metadata).GetAwaiter().GetResult();
    }

    private async Task WriteAsync(Stream stream, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var schema = new ParquetSchema(_columns.Select(c => (Field)c.Field));
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, options).ConfigureAwait(false);
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
            entries[key] = value;
        writer.CustomMetadata = entries;
        // An empty table still gets one (empty) row group, as other writers do, so readers see its schema in a group.
        for (var start = 0; start == 0 || start < RowCount; start += RowsPerGroup)
        {
            var count = Math.Min(RowsPerGroup, RowCount - start);
            using var group = writer.CreateRowGroup();
            foreach (var column in _columns)
                await column.WriteAsync(group, start, count).ConfigureAwait(false);
        }
    }

    private abstract class Column(DataField field, int count)
    {
        public DataField Field { get; } = field;

        public int Count { get; } = count;

        public abstract Task WriteAsync(ParquetRowGroupWriter group, int start, int count);
    }

    private sealed class Values<T>(DataField field, T[] values) : Column(field, values.Length) where T : struct
    {
        public override Task WriteAsync(ParquetRowGroupWriter group, int start, int count) =>
            group.WriteAsync<T>(Field, values.AsMemory(start, count));
    }

    private sealed class NullableValues<T>(DataField field, T?[] values) : Column(field, values.Length) where T : struct
    {
        public override Task WriteAsync(ParquetRowGroupWriter group, int start, int count) =>
            group.WriteAsync<T>(Field, (ReadOnlyMemory<T?>)values.AsMemory(start, count));
    }

    private sealed class Strings(DataField field, string?[] values) : Column(field, values.Length)
    {
        public override Task WriteAsync(ParquetRowGroupWriter group, int start, int count) =>
            group.WriteAsync(Field, new ArraySegment<string>(values!, start, count));
    }
}

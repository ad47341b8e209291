using System.Text;
using DataBuild.Products.Parquet.Format;
using DataBuild.Products.Parquet.Thrift;
using DataBuild.Products.Parquet.Writing;

namespace DataBuild.Products.Parquet;

/// <summary>
/// Writes a Parquet file row group by row group. The footer (schema, row groups, statistics and
/// key-value metadata) is written by <see cref="Finish"/> or <see cref="Dispose"/>.
/// </summary>
public sealed class ParquetFileWriter : IDisposable
{
    private readonly Stream _output;
    private readonly bool _ownsStream;
    private readonly ParquetWriteOptions _options;
    private readonly List<KeyValuePair<string, string?>> _keyValues;
    private readonly FileMetaData _footer;
    private bool _finished;

    public ParquetFileWriter(Stream output, ParquetSchema schema, ParquetWriteOptions? options = null,
        IEnumerable<KeyValuePair<string, string>>? keyValueMetadata = null, bool leaveOpen = false)
    {
        if (!output.CanWrite)
            throw new ArgumentException("The output stream must be writable.", nameof(output));
        _output = output.CanSeek ? output : throw new ArgumentException("The output stream must be seekable (page offsets are recorded in the footer).", nameof(output));
        _ownsStream = !leaveOpen;
        Schema = schema;
        _options = options ?? ParquetWriteOptions.Default;
        if (_options.Compression is not (ParquetCompression.Uncompressed or ParquetCompression.Snappy or ParquetCompression.Gzip))
            throw new ArgumentException($"The writer supports UNCOMPRESSED, SNAPPY and GZIP, not {_options.Compression}.", nameof(options));
        _keyValues = (keyValueMetadata ?? []).Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)).ToList();
        _footer = new FileMetaData { Version = 1, NumRows = 0, CreatedBy = _options.CreatedBy, Schema = SchemaElements(schema) };
        _output.Write("PAR1"u8);
    }

    /// <summary>Creates (or overwrites) a file.</summary>
    public static ParquetFileWriter Create(string path, ParquetSchema schema, ParquetWriteOptions? options = null,
        IEnumerable<KeyValuePair<string, string>>? keyValueMetadata = null) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), schema, options, keyValueMetadata);

    /// <summary>Writes whole columns to a file, split into row groups of <see cref="ParquetWriteOptions.RowGroupSize"/> rows.</summary>
    public static void Write(string path, ParquetSchema schema, IReadOnlyList<ParquetColumnData> columns,
        ParquetWriteOptions? options = null, IEnumerable<KeyValuePair<string, string>>? keyValueMetadata = null)
    {
        options ??= ParquetWriteOptions.Default;
        using var writer = Create(path, schema, options, keyValueMetadata);
        int rows = columns.Count == 0 ? 0 : columns[0].Count;
        for (int start = 0; start < rows; start += options.RowGroupSize)
            writer.WriteRowGroup(columns.Select(c => c.Slice(start, Math.Min(options.RowGroupSize, rows - start))).ToList());
        writer.Finish();
    }

    public ParquetSchema Schema { get; }

    /// <summary>Adds a key-value metadata entry to the footer (the engine records provenance here).</summary>
    public void AddMetadata(string key, string? value)
    {
        ThrowIfFinished();
        _keyValues.Add(new(key, value));
    }

    /// <summary>Writes one row group; there must be one column data per schema column, all of the same length.</summary>
    public void WriteRowGroup(params IReadOnlyList<ParquetColumnData> columns)
    {
        ThrowIfFinished();
        if (columns.Count != Schema.Count)
            throw new ArgumentException($"The schema has {Schema.Count} columns ({string.Join(", ", Schema.Columns.Select(c => c.Name))}) but {columns.Count} were given.", nameof(columns));
        int rows = columns.Count == 0 ? 0 : columns[0].Count;
        var group = new RowGroupMeta { NumRows = rows };
        long start = _output.Position;
        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i].Count != rows)
                throw new ArgumentException($"Column '{Schema[i].Name}' has {columns[i].Count} values but column '{Schema[0].Name}' has {rows}; every column of a row group needs the same row count.", nameof(columns));
            var chunk = ColumnEncoder.Write(_output, Schema[i], columns[i], _options);
            group.Columns.Add(chunk);
            group.TotalByteSize += chunk.TotalUncompressedSize;
        }
        group.TotalCompressedSize = _output.Position - start;
        _footer.RowGroups.Add(group);
        _footer.NumRows += rows;
    }

    /// <summary>Writes the footer and closes the file; further writes throw.</summary>
    public void Finish()
    {
        if (_finished)
            return;
        _finished = true;
        _footer.KeyValues = _keyValues;
        var writer = new CompactWriter();
        _footer.Write(writer);
        _output.Write(writer.WrittenSpan);
        Span<byte> tail = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(tail, writer.WrittenSpan.Length);
        "PAR1"u8.CopyTo(tail.Slice(4));
        _output.Write(tail);
        _output.Flush();
    }

    public void Dispose()
    {
        try
        {
            Finish();
        }
        finally
        {
            if (_ownsStream)
                _output.Dispose();
        }
    }

    private void ThrowIfFinished()
    {
        if (_finished)
            throw new InvalidOperationException("The Parquet file is already finished; create a new writer to write more rows.");
    }

    private static List<SchemaElement> SchemaElements(ParquetSchema schema)
    {
        var elements = new List<SchemaElement> { new() { Name = "schema", NumChildren = schema.Count } };
        foreach (var c in schema.Columns)
        {
            var e = new SchemaElement
            {
                Name = c.Name,
                Type = c.PhysicalType,
                Repetition = c.Nullable ? ParquetRepetition.Optional : ParquetRepetition.Required,
            };
            switch (c.Type)
            {
                case ParquetType.String:
                    e.Logical = LogicalKind.String;
                    e.ConvertedType = 0; // UTF8
                    break;
                case ParquetType.Timestamp:
                    e.Logical = LogicalKind.Timestamp;
                    e.TimeUnit = ParquetTimeUnit.Micros;
                    e.IsAdjustedToUtc = true;
                    e.ConvertedType = 10; // TIMESTAMP_MICROS
                    break;
                case ParquetType.Boolean or ParquetType.Int32 or ParquetType.Int64 or ParquetType.Float or ParquetType.Double or ParquetType.Binary:
                    break;
                default:
                    throw new ArgumentException($"Column '{c.Name}': the writer does not write {c.Type} columns; use Int32/Int64/Float/Double/Boolean/String/Binary/Timestamp.");
            }
            elements.Add(e);
        }
        return elements;
    }
}

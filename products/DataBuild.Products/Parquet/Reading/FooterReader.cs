using System.Buffers.Binary;
using DataBuild.Products.Parquet.Format;
using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>
/// Reads and validates the footer: magic bytes, footer length, the Thrift FileMetaData, and every
/// offset and size in it against the file length, so later page reads cannot wander outside the file.
/// </summary>
internal static class FooterReader
{
    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

    public static (FileMetaData Raw, ParquetMetadata Metadata) Read(IParquetSource source)
    {
        string path = source.Name;
        long length = source.Length;
        if (length < 12)
            throw new ParquetFormatException(path, 0, $"file is {length} bytes, too short to be Parquet (at least 12); it may be truncated or empty");
        Span<byte> head = stackalloc byte[4];
        source.ReadExactly(0, head);
        if (!head.SequenceEqual(Magic))
            throw new ParquetFormatException(path, 0, $"does not start with the Parquet magic 'PAR1' (found {Hex(head)}); is this a Parquet file?");
        Span<byte> tail = stackalloc byte[8];
        source.ReadExactly(length - 8, tail);
        if (tail.Slice(4).SequenceEqual("PARE"u8))
            throw new ParquetFormatException(path, length - 4, "the footer is encrypted (magic 'PARE'); encrypted Parquet is not supported");
        if (!tail.Slice(4).SequenceEqual(Magic))
            throw new ParquetFormatException(path, length - 4, $"does not end with the Parquet magic 'PAR1' (found {Hex(tail.Slice(4))}); the file is probably truncated");
        uint footerLength = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        long footerStart = length - 8 - footerLength;
        if (footerLength == 0 || footerStart < 4)
            throw new ParquetFormatException(path, length - 8, $"footer length {footerLength} does not fit in a {length}-byte file");
        var footer = new byte[footerLength];
        source.ReadExactly(footerStart, footer);
        var context = new ErrorContext(path, footerStart);
        var reader = new CompactReader(footer, context);
        var raw = FileMetaData.Read(ref reader);
        return (raw, Validate(raw, path, footerStart, length, context));
    }

    private static ParquetMetadata Validate(FileMetaData raw, string path, long dataEnd, long length, ErrorContext context)
    {
        var schema = SchemaBuilder.Build(raw.Schema, context);
        if (raw.NumRows < 0)
            throw context.Fail($"row count {raw.NumRows} is negative");
        var groups = new List<ParquetRowGroupInfo>(raw.RowGroups.Count);
        long rows = 0;
        for (int g = 0; g < raw.RowGroups.Count; g++)
        {
            var group = raw.RowGroups[g];
            if (group.NumRows < 0)
                throw context.Fail($"row group {g} has a negative row count {group.NumRows}");
            if (group.Columns.Count != schema.Count)
                throw context.Fail($"row group {g} has {group.Columns.Count} column chunks for {schema.Count} schema columns");
            var chunks = new List<ParquetColumnChunkInfo>(schema.Count);
            for (int c = 0; c < schema.Count; c++)
            {
                var chunk = group.Columns[c];
                var column = schema[c];
                string where = $"row group {g}, column '{column.Name}'";
                if (!chunk.HasMetaData)
                    throw context.Fail($"{where} has no column metadata");
                if (chunk.FilePath is not null)
                    throw context.Unsupported($"{where}: column data stored in another file ('{chunk.FilePath}')");
                if (chunk.Type != column.PhysicalType)
                    throw context.Fail($"{where} is stored as {chunk.Type} but the schema says {column.PhysicalType}");
                long start = chunk.FirstPageOffset;
                if (start < 4 || chunk.TotalCompressedSize < 0 || start > dataEnd || chunk.TotalCompressedSize > dataEnd - start)
                    throw context.Fail($"{where} spans bytes {start}..{start + chunk.TotalCompressedSize}, outside the data section 4..{dataEnd} of a {length}-byte file");
                if (chunk.NumValues < 0)
                    throw context.Fail($"{where} has a negative value count {chunk.NumValues}");
                chunks.Add(new ParquetColumnChunkInfo(column, chunk.Codec, chunk.Encodings, chunk.NumValues,
                    chunk.TotalCompressedSize, chunk.TotalUncompressedSize, start,
                    StatisticsDecoder.Decode(chunk.Statistics, column)));
            }
            rows += group.NumRows;
            groups.Add(new ParquetRowGroupInfo(g, group.NumRows, chunks));
        }
        if (rows != raw.NumRows)
            throw context.Fail($"row groups hold {rows} rows but the file says {raw.NumRows}");
        return new ParquetMetadata(path, length, raw.Version, raw.CreatedBy, schema, raw.NumRows, groups, raw.KeyValues);
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}

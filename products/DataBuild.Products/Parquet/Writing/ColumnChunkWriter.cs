using System.Buffers;
using System.Buffers.Binary;
using DataBuild.Products.Parquet.Encodings;
using DataBuild.Products.Parquet.Format;
using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Writing;

/// <summary>
/// Writes one column chunk: an optional dictionary page, then v1 data pages holding RLE
/// definition levels and PLAIN or RLE_DICTIONARY values, each page compressed on its own.
/// </summary>
internal static class ColumnChunkWriter
{
    /// <param name="present">The non-null values, in row order.</param>
    /// <param name="definedPerRow">One entry per row, 1 where the row has a value; null for required columns.</param>
    public static ColumnChunkMeta Write<T>(Stream output, ParquetColumn column, IPhysical<T> physical,
        T[] present, int[]? definedPerRow, int rowCount, ParquetWriteOptions options, bool dictionary) where T : notnull
    {
        long chunkStart = output.Position;
        var meta = new ColumnChunkMeta
        {
            Type = physical.Type,
            PathInSchema = [column.Name],
            Codec = options.Compression,
            NumValues = rowCount,
            HasMetaData = true,
            Statistics = StatisticsBuilder.Build(physical, present, rowCount - present.Length),
        };
        var pageWriter = new PageWriter(output, options.Compression);

        int[]? indices = null;
        if (dictionary && TryBuildDictionary(physical, present, options.DictionaryPageSizeLimit, out var entries, out indices))
        {
            var plain = new ArrayBufferWriter<byte>();
            physical.WritePlain(entries, plain);
            meta.DictionaryPageOffset = output.Position;
            pageWriter.Write(new PageHeader { Type = PageType.DictionaryPage, NumValues = entries.Length, Encoding = ParquetEncoding.Plain }, plain.WrittenSpan);
            meta.Encodings = [ParquetEncoding.Plain, ParquetEncoding.Rle, ParquetEncoding.RleDictionary];
        }
        else
            meta.Encodings = [ParquetEncoding.Plain, ParquetEncoding.Rle];

        meta.DataPageOffset = output.Position;
        int rowsPerPage = RowsPerPage(physical, present, rowCount, options.DataPageSize, indices is not null);
        var body = new ArrayBufferWriter<byte>();
        int valueIndex = 0;
        for (int row = 0; row < rowCount || row == 0; row += rowsPerPage)
        {
            int rows = Math.Min(rowsPerPage, rowCount - row);
            body.Clear();
            int values = rows;
            if (definedPerRow is not null)
            {
                var levels = definedPerRow.AsSpan(row, rows);
                values = levels.Count(1);
                WriteLevels(levels, body);
            }
            if (indices is not null)
                WriteIndices(indices.AsSpan(valueIndex, values), body);
            else
                physical.WritePlain(present.AsSpan(valueIndex, values), body);
            valueIndex += values;
            pageWriter.Write(new PageHeader
            {
                Type = PageType.DataPage,
                NumValues = rows,
                Encoding = indices is not null ? ParquetEncoding.RleDictionary : ParquetEncoding.Plain,
            }, body.WrittenSpan);
            if (rowCount == 0)
                break;
        }
        meta.TotalCompressedSize = output.Position - chunkStart;
        meta.TotalUncompressedSize = pageWriter.UncompressedTotal;
        return meta;
    }

    private static bool TryBuildDictionary<T>(IPhysical<T> physical, T[] present, int limit, out T[] entries, out int[]? indices) where T : notnull
    {
        var lookup = new Dictionary<T, int>(physical.Comparer);
        var ordered = new List<T>();
        indices = new int[present.Length];
        long bytes = 0;
        for (int i = 0; i < present.Length; i++)
        {
            if (!lookup.TryGetValue(present[i], out int index))
            {
                index = ordered.Count;
                lookup.Add(present[i], index);
                ordered.Add(present[i]);
                bytes += physical.PlainSize(present[i]);
                if (bytes > limit)
                {
                    entries = [];
                    indices = null;
                    return false;
                }
            }
            indices[i] = index;
        }
        entries = ordered.ToArray();
        return true;
    }

    private static int RowsPerPage<T>(IPhysical<T> physical, T[] present, int rowCount, int pageSize, bool dictionary) where T : notnull
    {
        if (rowCount == 0)
            return 1;
        double bytesPerRow = dictionary ? 2 : physical.Type switch
        {
            ParquetPhysicalType.ByteArray => present.Length == 0 ? 1 : present.Sum(v => (double)physical.PlainSize(v)) / rowCount,
            ParquetPhysicalType.Boolean => 0.125,
            _ => physical.PlainSize(present.Length > 0 ? present[0] : default!),
        };
        return (int)Math.Clamp(pageSize / Math.Max(bytesPerRow, 0.125), 1024, 1 << 20);
    }

    private static void WriteLevels(ReadOnlySpan<int> levels, ArrayBufferWriter<byte> body)
    {
        // v1 data pages prefix the RLE levels with their byte length.
        var encoded = new ArrayBufferWriter<byte>();
        RleBitPackedEncoder.Encode(levels, 1, encoded);
        BinaryPrimitives.WriteInt32LittleEndian(body.GetSpan(4), encoded.WrittenCount);
        body.Advance(4);
        body.Write(encoded.WrittenSpan);
    }

    private static void WriteIndices(ReadOnlySpan<int> indices, ArrayBufferWriter<byte> body)
    {
        int max = 0;
        foreach (int i in indices)
            max = Math.Max(max, i);
        int width = RleBitPackedEncoder.BitWidth(max);
        body.GetSpan(1)[0] = (byte)width;
        body.Advance(1);
        RleBitPackedEncoder.Encode(indices, width, body);
    }
}

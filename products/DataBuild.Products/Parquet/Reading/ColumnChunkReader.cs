using System.Buffers;
using System.Buffers.Binary;
using DataBuild.Products.Parquet.Encodings;
using DataBuild.Products.Parquet.Format;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>
/// Decodes one flat column chunk into row-aligned values and a null mask: dictionary page,
/// then v1 or v2 data pages, each decompressed, its definition levels decoded, its non-null
/// values decoded in place and spread out to their rows.
/// </summary>
internal static class ColumnChunkReader
{
    public static ParquetColumnData<T> Read<T>(IParquetSource source, ParquetColumnChunkInfo info, long rowCount, IValueDecoder<T> decoder)
    {
        var column = info.Column;
        var context = new ErrorContext(source.Name, info.FileOffset, column.Name);
        if (rowCount > Array.MaxLength)
            throw context.Unsupported($"a row group of {rowCount} rows (more than {Array.MaxLength})");
        if (info.CompressedSize > int.MaxValue)
            throw context.Unsupported($"a column chunk of {info.CompressedSize} bytes (more than 2 GiB)");
        int length = (int)info.CompressedSize;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            source.ReadExactly(info.FileOffset, chunk.AsSpan(0, length));
            var pages = PageScanner.Scan(chunk.AsSpan(0, length), info.FileOffset, rowCount, info.Compression, context);
            var values = new T[rowCount];
            bool[]? nulls = column.Nullable ? new bool[rowCount] : null;
            T[]? dictionary = null;
            int row = 0;
            foreach (var page in pages)
            {
                var at = context.At(info.FileOffset + page.HeaderOffset);
                try
                {
                    switch (page.Header.Type)
                    {
                        case PageType.DictionaryPage:
                            dictionary = ReadDictionary(chunk, page, info.Compression, decoder, at);
                            break;
                        case PageType.DataPage or PageType.DataPageV2:
                            row += ReadDataPage(chunk, page, info.Compression, decoder, dictionary, values, nulls, row, at);
                            break;
                    }
                }
                catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or OverflowException or InvalidCastException)
                {
                    // Decoders check lengths; anything that still slips through is corrupt data, not a bug to crash on.
                    throw at.Fail($"corrupt {page.Header.Type} page: {e.Message}");
                }
            }
            return new ParquetColumnData<T>(values, nulls);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static T[] ReadDictionary<T>(byte[] chunk, PageRef page, ParquetCompression codec, IValueDecoder<T> decoder, ErrorContext at)
    {
        var h = page.Header;
        if (h.Encoding is not (ParquetEncoding.Plain or ParquetEncoding.PlainDictionary))
            throw at.Unsupported($"{h.Encoding} dictionary page encoding");
        byte[]? rented = null;
        try
        {
            var body = Body(chunk, page.BodyOffset, h.CompressedSize, h.UncompressedSize, codec, ref rented, at).AsSpan();
            return decoder.DecodeDictionary(body, h.NumValues, at);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int ReadDataPage<T>(byte[] chunk, PageRef page, ParquetCompression codec, IValueDecoder<T> decoder,
        T[]? dictionary, T[] values, bool[]? nulls, int row, ErrorContext at)
    {
        var h = page.Header;
        int count = h.NumValues;
        byte[]? rented = null;
        int[]? levels = null;
        try
        {
            ReadOnlySpan<byte> valueBytes;
            if (h.Type == PageType.DataPage)
            {
                ReadOnlySpan<byte> body = Body(chunk, page.BodyOffset, h.CompressedSize, h.UncompressedSize, codec, ref rented, at).AsSpan();
                if (nulls is not null)
                {
                    if (h.DefinitionLevelEncoding != ParquetEncoding.Rle)
                        throw at.Unsupported($"{h.DefinitionLevelEncoding} definition level encoding");
                    if (body.Length < 4)
                        throw at.Fail("data page has no definition level length");
                    int levelLength = BinaryPrimitives.ReadInt32LittleEndian(body);
                    if (levelLength < 0 || levelLength > body.Length - 4)
                        throw at.Fail($"definition levels length {levelLength} runs past the {body.Length - 4} bytes of the page");
                    levels = DecodeLevels(body.Slice(4, levelLength), count, at);
                    valueBytes = body.Slice(4 + levelLength);
                }
                else
                    valueBytes = body;
            }
            else
            {
                int levelBytes = h.RepetitionLevelsByteLength + h.DefinitionLevelsByteLength;
                if (h.RepetitionLevelsByteLength != 0)
                    throw at.Unsupported("repetition levels in a flat column");
                if (nulls is not null)
                    levels = DecodeLevels(chunk.AsSpan(page.BodyOffset, h.DefinitionLevelsByteLength), count, at);
                else if (h.NumNulls != 0)
                    throw at.Fail($"required column page claims {h.NumNulls} nulls");
                var effective = h.IsCompressed ? codec : ParquetCompression.Uncompressed;
                valueBytes = Body(chunk, page.BodyOffset + levelBytes, h.CompressedSize - levelBytes, h.UncompressedSize - levelBytes, effective, ref rented, at).AsSpan();
            }

            int present = count;
            if (levels is not null)
            {
                present = 0;
                foreach (int level in levels.AsSpan(0, count))
                    present += level;
                if (h.Type == PageType.DataPageV2 && count - present != h.NumNulls)
                    throw at.Fail($"v2 page header says {h.NumNulls} nulls but its levels hold {count - present}");
            }
            decoder.Decode(h.Encoding, valueBytes, values.AsSpan(row, present), dictionary, at);
            if (levels is not null)
                Spread(values, nulls!, row, levels.AsSpan(0, count), present);
            return count;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
            if (levels is not null) ArrayPool<int>.Shared.Return(levels);
        }
    }

    // Non-null values were decoded densely at the front; walk backwards moving each to its row.
    private static void Spread<T>(T[] values, bool[] nulls, int row, ReadOnlySpan<int> levels, int present)
    {
        int source = row + present;
        for (int i = levels.Length - 1; i >= 0; i--)
        {
            if (levels[i] != 0)
                values[row + i] = values[--source];
            else
            {
                values[row + i] = default!;
                nulls[row + i] = true;
            }
        }
    }

    private static int[] DecodeLevels(ReadOnlySpan<byte> data, int count, ErrorContext at)
    {
        int[] levels = ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        var decoder = new RleBitPackedDecoder(data, 1, at);
        decoder.Read(levels.AsSpan(0, count));
        return levels;
    }

    private static ArraySegment<byte> Body(byte[] chunk, int offset, int compressed, int uncompressed, ParquetCompression codec, ref byte[]? rented, ErrorContext at)
    {
        if (compressed < 0 || uncompressed < 0)
            throw at.Fail("negative page section size");
        if (codec == ParquetCompression.Uncompressed)
        {
            if (compressed != uncompressed)
                throw at.Fail($"uncompressed page declares {uncompressed} bytes but stores {compressed}");
            return new ArraySegment<byte>(chunk, offset, compressed);
        }
        rented = ArrayPool<byte>.Shared.Rent(Math.Max(uncompressed, 1));
        PageDecompressor.Decompress(codec, chunk, offset, compressed, rented.AsSpan(0, uncompressed), at);
        return new ArraySegment<byte>(rented, 0, uncompressed);
    }
}

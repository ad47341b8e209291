using System.Buffers;
using DataBuild.Products.Parquet.Reading;

namespace DataBuild.Products.Parquet.Encodings;

/// <summary>
/// Decodes DELTA_BINARY_PACKED (Encodings.md): a header (block size, miniblocks per block, value
/// count, zigzag first value), then blocks of (zigzag min delta, one bit width per miniblock,
/// bit-packed miniblocks). Arithmetic wraps, as the specification requires.
/// </summary>
internal static class DeltaBinaryPackedDecoder
{
    /// <summary>Decodes exactly <c>destination.Length</c> values; returns the bytes consumed.</summary>
    public static int Decode(ReadOnlySpan<byte> data, Span<long> destination, ErrorContext context)
    {
        int pos = 0;
        ulong blockSize = ReadUleb(data, ref pos, context);
        ulong miniblocks = ReadUleb(data, ref pos, context);
        ulong total = ReadUleb(data, ref pos, context);
        long value = ReadZigZag(data, ref pos, context);
        if (blockSize == 0 || blockSize % 128 != 0 || miniblocks == 0 || blockSize % miniblocks != 0
            || blockSize / miniblocks % 32 != 0 || blockSize > 1 << 20)
            throw context.Fail($"DELTA_BINARY_PACKED header is invalid (block size {blockSize}, {miniblocks} miniblocks)");
        if (total != (ulong)destination.Length)
            throw context.Fail($"DELTA_BINARY_PACKED holds {total} values where the page needs {destination.Length}");
        if (destination.IsEmpty)
            return pos;
        int perMiniblock = (int)(blockSize / miniblocks);
        destination[0] = value;
        int produced = 1;
        ulong[] deltas = ArrayPool<ulong>.Shared.Rent(perMiniblock);
        try
        {
            while (produced < destination.Length)
            {
                long minDelta = ReadZigZag(data, ref pos, context);
                if ((ulong)(data.Length - pos) < miniblocks)
                    throw context.Fail("DELTA_BINARY_PACKED bit widths run past the end of the page");
                var widths = data.Slice(pos, (int)miniblocks);
                pos += (int)miniblocks;
                for (int m = 0; m < widths.Length && produced < destination.Length; m++)
                {
                    int width = widths[m];
                    if (width > 64)
                        throw context.Fail($"DELTA_BINARY_PACKED miniblock bit width {width} exceeds 64");
                    int bytes = BitPacking.ByteCount(perMiniblock, width);
                    int n = Math.Min(perMiniblock, destination.Length - produced);
                    // The last miniblock may be cut short: only the bytes for the values present are required.
                    int needed = BitPacking.ByteCount(n, width);
                    if (data.Length - pos < needed)
                        throw context.Fail("DELTA_BINARY_PACKED miniblock runs past the end of the page");
                    var span = deltas.AsSpan(0, n);
                    BitPacking.Unpack64(data.Slice(pos, Math.Min(bytes, data.Length - pos)), width, span);
                    pos += Math.Min(bytes, data.Length - pos);
                    for (int i = 0; i < n; i++)
                    {
                        value = unchecked(value + minDelta + (long)span[i]);
                        destination[produced++] = value;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(deltas);
        }
        return pos;
    }

    /// <summary>Reads only the header's value count, to size buffers before decoding.</summary>
    public static long PeekCount(ReadOnlySpan<byte> data, ErrorContext context)
    {
        int pos = 0;
        ReadUleb(data, ref pos, context);
        ReadUleb(data, ref pos, context);
        return (long)Math.Min(ReadUleb(data, ref pos, context), long.MaxValue);
    }

    private static ulong ReadUleb(ReadOnlySpan<byte> data, ref int pos, ErrorContext context)
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (pos >= data.Length)
                throw context.Fail("DELTA_BINARY_PACKED data ends inside a varint");
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw context.Fail("DELTA_BINARY_PACKED varint is longer than 10 bytes");
    }

    private static long ReadZigZag(ReadOnlySpan<byte> data, ref int pos, ErrorContext context)
    {
        ulong n = ReadUleb(data, ref pos, context);
        return (long)(n >> 1) ^ -(long)(n & 1);
    }
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace DataBuild.Products.Parquet.Encodings;

/// <summary>
/// Little-endian, least-significant-bit-first bit packing, as used by the RLE/bit-packed hybrid
/// and DELTA_BINARY_PACKED miniblocks (Encodings.md). Callers guarantee the source holds
/// <c>ceil(count * bitWidth / 8)</c> bytes.
/// </summary>
internal static class BitPacking
{
    public static int ByteCount(long values, int bitWidth) => (int)((values * bitWidth + 7) / 8);

    /// <summary>Unpacks values of up to 32 bits, starting at value index <paramref name="first"/>.</summary>
    public static void Unpack32(ReadOnlySpan<byte> source, int bitWidth, long first, Span<int> destination)
    {
        if (bitWidth == 0)
        {
            destination.Clear();
            return;
        }
        ulong mask = bitWidth == 32 ? uint.MaxValue : (1UL << bitWidth) - 1;
        long bit = first * bitWidth;
        for (int i = 0; i < destination.Length; i++, bit += bitWidth)
            destination[i] = (int)((Word(source, (int)(bit >> 3)) >> (int)(bit & 7)) & mask);
    }

    /// <summary>Unpacks values of up to 64 bits (DELTA_BINARY_PACKED deltas).</summary>
    public static void Unpack64(ReadOnlySpan<byte> source, int bitWidth, Span<ulong> destination)
    {
        if (bitWidth == 0)
        {
            destination.Clear();
            return;
        }
        ulong mask = bitWidth == 64 ? ulong.MaxValue : (1UL << bitWidth) - 1;
        long bit = 0;
        for (int i = 0; i < destination.Length; i++, bit += bitWidth)
        {
            int index = (int)(bit >> 3), shift = (int)(bit & 7);
            ulong value = Word(source, index) >> shift;
            if (shift + bitWidth > 64)
                value |= (ulong)source[index + 8] << (64 - shift);
            destination[i] = value & mask;
        }
    }

    /// <summary>Packs values (each already fitting in <paramref name="bitWidth"/> bits) into the destination.</summary>
    public static void Pack(ReadOnlySpan<ulong> values, int bitWidth, Span<byte> destination)
    {
        destination.Clear();
        if (bitWidth == 0)
            return;
        long bit = 0;
        foreach (ulong v in values)
        {
            int index = (int)(bit >> 3), shift = (int)(bit & 7);
            int bits = bitWidth + shift;
            UInt128 shifted = (UInt128)v << shift;
            for (int b = 0; b * 8 < bits; b++)
                destination[index + b] |= (byte)(shifted >> (b * 8));
            bit += bitWidth;
        }
    }

    // Reads up to eight bytes; near the end of the buffer it assembles them one by one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Word(ReadOnlySpan<byte> source, int index)
    {
        if (index + 8 <= source.Length)
            return BinaryPrimitives.ReadUInt64LittleEndian(source.Slice(index));
        ulong word = 0;
        for (int i = 0; index + i < source.Length && i < 8; i++)
            word |= (ulong)source[index + i] << (8 * i);
        return word;
    }
}

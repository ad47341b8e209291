using System.Buffers;

namespace DataBuild.Products.Parquet.Encodings;

/// <summary>
/// Encodes the RLE / bit-packed hybrid: repeated runs of 8 or more become RLE runs, the rest are
/// bit-packed in groups of eight. Deterministic for a given input.
/// </summary>
internal static class RleBitPackedEncoder
{
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, IBufferWriter<byte> output)
    {
        int i = 0, packedStart = 0;
        while (i < values.Length)
        {
            // Runs may only start where the pending bit-packed values make whole groups of eight.
            int run = 1;
            while (i + run < values.Length && values[i + run] == values[i])
                run++;
            if (run >= 8)
            {
                WritePacked(values.Slice(packedStart, i - packedStart), bitWidth, output);
                WriteRepeated(values[i], run, bitWidth, output);
                i += run;
                packedStart = i;
            }
            else
                i = Math.Min(i + 8, values.Length);
        }
        WritePacked(values.Slice(packedStart), bitWidth, output);
    }

    public static int BitWidth(int maxValue) => maxValue == 0 ? 0 : 32 - int.LeadingZeroCount(maxValue);

    private static void WriteRepeated(int value, int count, int bitWidth, IBufferWriter<byte> output)
    {
        WriteVarint((ulong)count << 1, output);
        int width = (bitWidth + 7) / 8;
        var span = output.GetSpan(width);
        for (int b = 0; b < width; b++)
            span[b] = (byte)(value >> (8 * b));
        output.Advance(width);
    }

    private static void WritePacked(ReadOnlySpan<int> values, int bitWidth, IBufferWriter<byte> output)
    {
        if (values.IsEmpty)
            return;
        int groups = (values.Length + 7) / 8;
        WriteVarint(((ulong)groups << 1) | 1, output);
        int bytes = groups * bitWidth;
        var span = output.GetSpan(bytes).Slice(0, bytes);
        span.Clear();
        long bit = 0;
        foreach (int v in values)
        {
            ulong shifted = (ulong)(uint)v << (int)(bit & 7);
            int index = (int)(bit >> 3);
            for (int b = 0; b < 5 && index + b < bytes; b++)
                span[index + b] |= (byte)(shifted >> (8 * b));
            bit += bitWidth;
        }
        output.Advance(bytes);
    }

    internal static void WriteVarint(ulong value, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        output.Advance(n);
    }
}

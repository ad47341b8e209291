using System.Buffers;
using System.Buffers.Binary;
using DataBuild.Products.Parquet.Encodings;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>BOOLEAN: PLAIN is one bit per value, LSB first; RLE is the hybrid with a 4-byte length prefix.</summary>
internal sealed class BooleanDecoder : IValueDecoder<bool>
{
    public static readonly BooleanDecoder Instance = new();

    public bool[] DecodeDictionary(ReadOnlySpan<byte> data, int count, ErrorContext context)
    {
        if ((count + 7L) / 8 > data.Length)
            throw context.Fail($"BOOLEAN dictionary of {count} values cannot fit in {data.Length} bytes");
        var values = new bool[count];
        DecodePlain(data, values, context);
        return values;
    }

    public void Decode(ParquetEncoding encoding, ReadOnlySpan<byte> data, Span<bool> destination, bool[]? dictionary, ErrorContext context)
    {
        switch (encoding)
        {
            case ParquetEncoding.Plain:
                DecodePlain(data, destination, context);
                break;
            case ParquetEncoding.Rle:
                DecodeRle(data, destination, context);
                break;
            case var e when DictionaryIndices.IsDictionary(e):
                DictionaryIndices.Lookup(data, dictionary, destination, context);
                break;
            default:
                throw context.Unsupported($"{encoding} encoding for BOOLEAN values");
        }
    }

    private static void DecodePlain(ReadOnlySpan<byte> data, Span<bool> destination, ErrorContext context)
    {
        if ((destination.Length + 7L) / 8 > data.Length)
            throw context.Fail($"PLAIN BOOLEAN data holds {data.Length} bytes, fewer than {destination.Length} bits");
        for (int i = 0; i < destination.Length; i++)
            destination[i] = (data[i >> 3] >> (i & 7) & 1) != 0;
    }

    private static void DecodeRle(ReadOnlySpan<byte> data, Span<bool> destination, ErrorContext context)
    {
        if (data.Length < 4)
            throw context.Fail("RLE BOOLEAN data has no length prefix");
        int length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length < 0 || length > data.Length - 4)
            throw context.Fail($"RLE BOOLEAN length {length} runs past the {data.Length - 4} bytes of the page");
        var decoder = new RleBitPackedDecoder(data.Slice(4, length), 1, context);
        int[] buffer = ArrayPool<int>.Shared.Rent(Math.Min(Math.Max(destination.Length, 1), 4096));
        try
        {
            for (int done = 0; done < destination.Length;)
            {
                var batch = buffer.AsSpan(0, Math.Min(buffer.Length, destination.Length - done));
                decoder.Read(batch);
                for (int i = 0; i < batch.Length; i++)
                    destination[done + i] = batch[i] != 0;
                done += batch.Length;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }
}

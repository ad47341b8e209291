using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using DataBuild.Products.Parquet.Encodings;

namespace DataBuild.Products.Parquet.Reading;

internal delegate T BytesConverter<out T>(ReadOnlySpan<byte> bytes);

/// <summary>
/// BYTE_ARRAY values as strings or byte arrays: PLAIN (4-byte length, bytes), dictionary,
/// DELTA_LENGTH_BYTE_ARRAY (delta-packed lengths, then the bytes) and DELTA_BYTE_ARRAY
/// (delta-packed prefix lengths, then DELTA_LENGTH_BYTE_ARRAY suffixes).
/// </summary>
internal sealed class ByteArrayDecoder<T>(BytesConverter<T> convert) : IValueDecoder<T>
{
    public static readonly ByteArrayDecoder<string> Strings = new(static b => Encoding.UTF8.GetString(b));
    public static readonly ByteArrayDecoder<byte[]> Bytes = new(static b => b.ToArray());

    public T[] DecodeDictionary(ReadOnlySpan<byte> data, int count, ErrorContext context)
    {
        if (count > data.Length / 4)
            throw context.Fail($"dictionary of {count} byte arrays cannot fit in {data.Length} bytes");
        var values = new T[count];
        DecodePlain(data, values, context);
        return values;
    }

    public void Decode(ParquetEncoding encoding, ReadOnlySpan<byte> data, Span<T> destination, T[]? dictionary, ErrorContext context)
    {
        switch (encoding)
        {
            case ParquetEncoding.Plain:
                DecodePlain(data, destination, context);
                break;
            case var e when DictionaryIndices.IsDictionary(e):
                DictionaryIndices.Lookup(data, dictionary, destination, context);
                break;
            case ParquetEncoding.DeltaLengthByteArray:
                DecodeDeltaLength(data, destination, context);
                break;
            case ParquetEncoding.DeltaByteArray:
                DecodeDeltaByteArray(data, destination, context);
                break;
            default:
                throw context.Unsupported($"{encoding} encoding for BYTE_ARRAY values");
        }
    }

    private void DecodePlain(ReadOnlySpan<byte> data, Span<T> destination, ErrorContext context)
    {
        int pos = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            if (data.Length - pos < 4)
                throw context.Fail($"PLAIN byte array {i} of {destination.Length} runs past the end of the page");
            int length = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(pos));
            pos += 4;
            if (length < 0 || length > data.Length - pos)
                throw context.Fail($"PLAIN byte array length {length} runs past the end of the page");
            destination[i] = convert(data.Slice(pos, length));
            pos += length;
        }
    }

    private void DecodeDeltaLength(ReadOnlySpan<byte> data, Span<T> destination, ErrorContext context)
    {
        long[] lengths = ArrayPool<long>.Shared.Rent(destination.Length);
        try
        {
            int pos = DeltaBinaryPackedDecoder.Decode(data, lengths.AsSpan(0, destination.Length), context);
            for (int i = 0; i < destination.Length; i++)
            {
                long length = lengths[i];
                if (length < 0 || length > data.Length - pos)
                    throw context.Fail($"DELTA_LENGTH_BYTE_ARRAY length {length} runs past the end of the page");
                destination[i] = convert(data.Slice(pos, (int)length));
                pos += (int)length;
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(lengths);
        }
    }

    private void DecodeDeltaByteArray(ReadOnlySpan<byte> data, Span<T> destination, ErrorContext context)
    {
        int n = destination.Length;
        long[] prefixes = ArrayPool<long>.Shared.Rent(n);
        long[] suffixes = ArrayPool<long>.Shared.Rent(n);
        byte[] previous = ArrayPool<byte>.Shared.Rent(256);
        try
        {
            int pos = DeltaBinaryPackedDecoder.Decode(data, prefixes.AsSpan(0, n), context);
            pos += DeltaBinaryPackedDecoder.Decode(data.Slice(pos), suffixes.AsSpan(0, n), context);
            int previousLength = 0;
            for (int i = 0; i < n; i++)
            {
                long prefix = prefixes[i], suffix = suffixes[i];
                if (prefix < 0 || prefix > previousLength)
                    throw context.Fail($"DELTA_BYTE_ARRAY prefix {prefix} is longer than the previous value ({previousLength} bytes)");
                if (suffix < 0 || suffix > data.Length - pos)
                    throw context.Fail($"DELTA_BYTE_ARRAY suffix length {suffix} runs past the end of the page");
                int length = (int)(prefix + suffix);
                if (length > previous.Length)
                {
                    byte[] grown = ArrayPool<byte>.Shared.Rent(length);
                    previous.AsSpan(0, previousLength).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(previous);
                    previous = grown;
                }
                data.Slice(pos, (int)suffix).CopyTo(previous.AsSpan((int)prefix));
                pos += (int)suffix;
                previousLength = length;
                destination[i] = convert(previous.AsSpan(0, length));
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(prefixes);
            ArrayPool<long>.Shared.Return(suffixes);
            ArrayPool<byte>.Shared.Return(previous);
        }
    }
}

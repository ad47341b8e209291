using System.Buffers;
using System.Runtime.InteropServices;
using DataBuild.Products.Parquet.Encodings;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>INT32, INT64, FLOAT and DOUBLE: PLAIN is a straight little-endian copy.</summary>
internal sealed class FixedWidthDecoder<T> : IValueDecoder<T> where T : unmanaged
{
    public static readonly FixedWidthDecoder<T> Instance = new();

    private static readonly int Width = Marshal.SizeOf<T>();
    private static readonly bool IsInteger = typeof(T) == typeof(int) || typeof(T) == typeof(long);

    public T[] DecodeDictionary(ReadOnlySpan<byte> data, int count, ErrorContext context)
    {
        var values = new T[CheckPlainLength(data, count, context)];
        MemoryMarshal.Cast<byte, T>(data.Slice(0, count * Width)).CopyTo(values);
        return values;
    }

    public void Decode(ParquetEncoding encoding, ReadOnlySpan<byte> data, Span<T> destination, T[]? dictionary, ErrorContext context)
    {
        switch (encoding)
        {
            case ParquetEncoding.Plain:
                CheckPlainLength(data, destination.Length, context);
                MemoryMarshal.Cast<byte, T>(data.Slice(0, destination.Length * Width)).CopyTo(destination);
                break;
            case var e when DictionaryIndices.IsDictionary(e):
                DictionaryIndices.Lookup(data, dictionary, destination, context);
                break;
            case ParquetEncoding.ByteStreamSplit:
                ByteStreamSplit.Decode(data, Width, MemoryMarshal.AsBytes(destination), context);
                break;
            case ParquetEncoding.DeltaBinaryPacked when IsInteger:
                DecodeDelta(data, destination, context);
                break;
            default:
                throw context.Unsupported($"{encoding} encoding for {typeof(T).Name} values");
        }
    }

    private static void DecodeDelta(ReadOnlySpan<byte> data, Span<T> destination, ErrorContext context)
    {
        if (typeof(T) == typeof(long))
        {
            DeltaBinaryPackedDecoder.Decode(data, MemoryMarshal.Cast<T, long>(destination), context);
            return;
        }
        long[] wide = ArrayPool<long>.Shared.Rent(destination.Length);
        try
        {
            var span = wide.AsSpan(0, destination.Length);
            DeltaBinaryPackedDecoder.Decode(data, span, context);
            var ints = MemoryMarshal.Cast<T, int>(destination);
            for (int i = 0; i < span.Length; i++)
                ints[i] = unchecked((int)span[i]);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(wide);
        }
    }

    private static int CheckPlainLength(ReadOnlySpan<byte> data, int count, ErrorContext context)
    {
        if ((long)count * Width > data.Length)
            throw context.Fail($"PLAIN data holds {data.Length} bytes, fewer than {count} values of {Width} bytes");
        return count;
    }
}

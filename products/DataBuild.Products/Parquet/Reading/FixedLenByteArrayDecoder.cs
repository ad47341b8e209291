using DataBuild.Products.Parquet.Encodings;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>FIXED_LEN_BYTE_ARRAY values (UUIDs, decimals, float16) as byte arrays of the schema's type_length.</summary>
internal sealed class FixedLenByteArrayDecoder(int width) : IValueDecoder<byte[]>
{
    public byte[][] DecodeDictionary(ReadOnlySpan<byte> data, int count, ErrorContext context)
    {
        if ((long)count * width > data.Length)
            throw context.Fail($"dictionary of {count} values of {width} bytes cannot fit in {data.Length} bytes");
        var values = new byte[count][];
        DecodePlain(data, values, context);
        return values;
    }

    public void Decode(ParquetEncoding encoding, ReadOnlySpan<byte> data, Span<byte[]> destination, byte[][]? dictionary, ErrorContext context)
    {
        switch (encoding)
        {
            case ParquetEncoding.Plain:
                DecodePlain(data, destination, context);
                break;
            case var e when DictionaryIndices.IsDictionary(e):
                DictionaryIndices.Lookup(data, dictionary, destination, context);
                break;
            case ParquetEncoding.ByteStreamSplit:
                var gathered = new byte[(long)destination.Length * width <= data.Length ? destination.Length * width : data.Length + 1];
                ByteStreamSplit.Decode(data, width, gathered, context);
                DecodePlain(gathered, destination, context);
                break;
            default:
                throw context.Unsupported($"{encoding} encoding for FIXED_LEN_BYTE_ARRAY values");
        }
    }

    private void DecodePlain(ReadOnlySpan<byte> data, Span<byte[]> destination, ErrorContext context)
    {
        if ((long)destination.Length * width > data.Length)
            throw context.Fail($"PLAIN data holds {data.Length} bytes, fewer than {destination.Length} values of {width} bytes");
        for (int i = 0; i < destination.Length; i++)
            destination[i] = data.Slice(i * width, width).ToArray();
    }
}

/// <summary>Legacy INT96 timestamps: 8 bytes of nanoseconds within the day, then a 4-byte Julian day.</summary>
internal sealed class Int96Decoder : IValueDecoder<DateTime>
{
    public static readonly Int96Decoder Instance = new();

    private const int JulianDayOfUnixEpoch = 2_440_588;

    public DateTime[] DecodeDictionary(ReadOnlySpan<byte> data, int count, ErrorContext context)
    {
        if ((long)count * 12 > data.Length)
            throw context.Fail($"INT96 dictionary of {count} values cannot fit in {data.Length} bytes");
        var values = new DateTime[count];
        DecodePlain(data, values, context);
        return values;
    }

    public void Decode(ParquetEncoding encoding, ReadOnlySpan<byte> data, Span<DateTime> destination, DateTime[]? dictionary, ErrorContext context)
    {
        if (encoding == ParquetEncoding.Plain)
            DecodePlain(data, destination, context);
        else if (DictionaryIndices.IsDictionary(encoding))
            DictionaryIndices.Lookup(data, dictionary, destination, context);
        else
            throw context.Unsupported($"{encoding} encoding for INT96 values");
    }

    private static void DecodePlain(ReadOnlySpan<byte> data, Span<DateTime> destination, ErrorContext context)
    {
        if ((long)destination.Length * 12 > data.Length)
            throw context.Fail($"PLAIN INT96 data holds {data.Length} bytes, fewer than {destination.Length} values");
        for (int i = 0; i < destination.Length; i++)
        {
            long nanos = BitConverter.ToInt64(data.Slice(i * 12, 8));
            int julianDay = BitConverter.ToInt32(data.Slice(i * 12 + 8, 4));
            long ticks = (julianDay - (long)JulianDayOfUnixEpoch) * TimeSpan.TicksPerDay + nanos / 100;
            long unixTicks = DateTime.UnixEpoch.Ticks + ticks;
            if (unixTicks < DateTime.MinValue.Ticks || unixTicks > DateTime.MaxValue.Ticks)
                throw context.Fail($"INT96 timestamp (Julian day {julianDay}) is outside the range of DateTime");
            destination[i] = new DateTime(unixTicks, DateTimeKind.Utc);
        }
    }
}

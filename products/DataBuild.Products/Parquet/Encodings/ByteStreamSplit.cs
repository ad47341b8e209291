using DataBuild.Products.Parquet.Reading;

namespace DataBuild.Products.Parquet.Encodings;

/// <summary>
/// BYTE_STREAM_SPLIT (Encodings.md): byte k of every value is stored in stream k, and the K
/// streams are concatenated. Decoding gathers the bytes back into little-endian values.
/// </summary>
internal static class ByteStreamSplit
{
    public static void Decode(ReadOnlySpan<byte> data, int width, Span<byte> destination, ErrorContext context)
    {
        int count = destination.Length / width;
        if (data.Length != destination.Length)
            throw context.Fail($"BYTE_STREAM_SPLIT data is {data.Length} bytes where {count} values of {width} bytes need {destination.Length}");
        for (int k = 0; k < width; k++)
        {
            var stream = data.Slice(k * count, count);
            for (int i = 0; i < count; i++)
                destination[i * width + k] = stream[i];
        }
    }
}

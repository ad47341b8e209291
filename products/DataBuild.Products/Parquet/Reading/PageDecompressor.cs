using System.IO.Compression;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>Decompresses one page body into a buffer of exactly the size its header declares (Compression.md).</summary>
internal static class PageDecompressor
{
    public static void Decompress(ParquetCompression codec, byte[] source, int offset, int length, Span<byte> destination, ErrorContext context)
    {
        try
        {
            switch (codec)
            {
                case ParquetCompression.Snappy:
                    DecompressSnappy(source.AsSpan(offset, length), destination, context);
                    break;
                case ParquetCompression.Gzip:
                    using (var gzip = new GZipStream(new MemoryStream(source, offset, length, writable: false), CompressionMode.Decompress))
                        ReadAll(gzip, destination, context);
                    break;
                case ParquetCompression.Brotli:
                    if (!BrotliDecoder.TryDecompress(source.AsSpan(offset, length), destination, out int written) || written != destination.Length)
                        throw context.Fail($"BROTLI page did not decompress to its declared {destination.Length} bytes");
                    break;
                default:
                    throw context.Unsupported($"{codec.ToString().ToUpperInvariant()} compression");
            }
        }
        catch (ParquetFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or IndexOutOfRangeException or ArgumentException or InvalidOperationException or OverflowException)
        {
            // Decompressors report corrupt input in their own ways; all of it means the page is corrupt.
            throw context.Fail($"{codec.ToString().ToUpperInvariant()} page data is corrupt: {e.Message}");
        }
    }

    private static void DecompressSnappy(ReadOnlySpan<byte> source, Span<byte> destination, ErrorContext context)
    {
        // The snappy preamble states the decompressed length; check it before the decoder allocates it.
        ulong declared = 0;
        int i = 0;
        for (int shift = 0; ; shift += 7, i++)
        {
            if (i >= source.Length || shift > 28)
                throw context.Fail("SNAPPY page has no valid length preamble");
            declared |= (ulong)(source[i] & 0x7F) << shift;
            if ((source[i] & 0x80) == 0)
                break;
        }
        if (declared != (ulong)destination.Length)
            throw context.Fail($"SNAPPY page decompresses to {declared} bytes but its header declares {destination.Length}");
        byte[] decoded = IronSnappy.Snappy.Decode(source);
        if (decoded.Length != destination.Length)
            throw context.Fail($"SNAPPY page decompressed to {decoded.Length} bytes but its header declares {destination.Length}");
        decoded.CopyTo(destination);
    }

    private static void ReadAll(Stream stream, Span<byte> destination, ErrorContext context)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = stream.Read(destination.Slice(total));
            if (n == 0)
                throw context.Fail($"GZIP page decompressed to {total} bytes but its header declares {destination.Length}");
            total += n;
        }
    }
}

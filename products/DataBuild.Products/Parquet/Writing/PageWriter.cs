using System.IO.Compression;
using DataBuild.Products.Parquet.Format;
using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Writing;

/// <summary>Compresses a page body and writes header + body, keeping the uncompressed total for the chunk metadata.</summary>
internal sealed class PageWriter(Stream output, ParquetCompression codec)
{
    private readonly CompactWriter _header = new();

    public long UncompressedTotal { get; private set; }

    public void Write(PageHeader header, ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> stored = Compress(body);
        header.UncompressedSize = body.Length;
        header.CompressedSize = stored.Length;
        _header.Clear();
        header.Write(_header);
        output.Write(_header.WrittenSpan);
        output.Write(stored);
        UncompressedTotal += _header.WrittenSpan.Length + body.Length;
    }

    private ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> body)
    {
        switch (codec)
        {
            case ParquetCompression.Uncompressed:
                return body;
            case ParquetCompression.Snappy:
                return IronSnappy.Snappy.Encode(body);
            case ParquetCompression.Gzip:
                var buffer = new MemoryStream();
                using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
                    gzip.Write(body);
                return buffer.ToArray();
            default:
                throw new NotSupportedException($"The writer supports UNCOMPRESSED, SNAPPY and GZIP, not {codec}; choose one of those in ParquetWriteOptions.Compression.");
        }
    }
}

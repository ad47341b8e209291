using Microsoft.Win32.SafeHandles;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>Random access to the bytes of a Parquet file; the reader never assumes more than <see cref="Length"/>.</summary>
internal interface IParquetSource : IDisposable
{
    string Name { get; }
    long Length { get; }
    void ReadExactly(long offset, Span<byte> destination);
}

/// <summary>A file on disk, read with positional reads so row groups can be read independently.</summary>
internal sealed class FileSource(string path) : IParquetSource
{
    private readonly SafeFileHandle _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);

    public string Name => path;
    public long Length => RandomAccess.GetLength(_handle);

    public void ReadExactly(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int n = RandomAccess.Read(_handle, destination, offset);
            if (n == 0)
                throw new ParquetFormatException(path, offset, "file ended while reading (was it truncated while open?)");
            destination = destination.Slice(n);
            offset += n;
        }
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>Bytes already in memory (tests, and products fetched from a cache).</summary>
internal sealed class MemorySource(ReadOnlyMemory<byte> bytes, string name) : IParquetSource
{
    public string Name => name;
    public long Length => bytes.Length;

    public void ReadExactly(long offset, Span<byte> destination) =>
        bytes.Span.Slice(checked((int)offset), destination.Length).CopyTo(destination);

    public void Dispose() { }
}

using System.Buffers;
using System.IO.Hashing;

namespace DataBuild.Hashing;

/// <summary>XxHash128 of a stream's bytes, read in large pooled chunks (parallel file systems reward big reads).</summary>
public static class ContentHasher
{
    private const int ChunkSize = 1 << 20;

    public static Hash128 Hash(Stream stream)
    {
        var hasher = new XxHash128();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, ChunkSize)) > 0)
                hasher.Append(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        Span<byte> hash = stackalloc byte[16];
        hasher.GetCurrentHash(hash);
        return Hash128.FromBytes(hash);
    }
}

using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace DataBuild.Hashing;

/// <summary>
/// Combines strings and hashes into one Hash128, each part length-prefixed or fixed-size so the encoding is
/// unambiguous. The parts go into a buffer hashed in one shot by <see cref="Build"/>: the same hash as streaming them
/// into an XxHash128, without its ~600-byte state per builder (planning makes several per node, some alive at once).
/// A built builder's buffer is kept for the thread's next ones, a few deep.
/// </summary>
public sealed class HashBuilder
{
    // Buffers of our own, not the shared ArrayPool, whose first use sets up per-core caches (bench/README.md, round 6).
    private const int InitialSize = 256, LargestKept = 1 << 16, Kept = 4;
    [ThreadStatic] private static byte[]?[]? t_spares;
    private byte[] _buffer = Take();
    private int _length;

    private static byte[] Take()
    {
        var spares = t_spares;
        if (spares is not null)
            for (var i = 0; i < spares.Length; i++)
                if (spares[i] is { } spare)
                {
                    spares[i] = null;
                    return spare;
                }
        return new byte[InitialSize];
    }

    public HashBuilder Add(string text)
    {
        var count = Encoding.UTF8.GetByteCount(text);
        var span = Reserve(4 + count);
        BinaryPrimitives.WriteInt32LittleEndian(span, count);
        Encoding.UTF8.GetBytes(text, span[4..]);
        return this;
    }

    /// <summary>
    /// <paramref name="parts"/> joined by <paramref name="separator"/>, encoded as one string (length prefix, then UTF-8),
    /// without building the joined string.
    /// </summary>
    public HashBuilder AddJoined(IReadOnlyList<string> parts, char separator)
    {
        ReadOnlySpan<char> sep = [separator];
        var count = Math.Max(0, parts.Count - 1) * Encoding.UTF8.GetByteCount(sep);
        for (var i = 0; i < parts.Count; i++) count += Encoding.UTF8.GetByteCount(parts[i]); // no boxed enumerator per argv
        var span = Reserve(4 + count);
        BinaryPrimitives.WriteInt32LittleEndian(span, count);
        var at = 4;
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) at += Encoding.UTF8.GetBytes(sep, span[at..]);
            at += Encoding.UTF8.GetBytes(parts[i], span[at..]);
        }
        return this;
    }

    public HashBuilder Add(Hash128 hash)
    {
        hash.WriteTo(Reserve(16));
        return this;
    }

    public HashBuilder Add(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);
        return this;
    }

    /// <summary>The hash of everything added; the builder must not be used afterwards.</summary>
    public Hash128 Build()
    {
        var hash = Hash128.Of(Written);
        Release();
        return hash;
    }

    /// <summary>
    /// A 128-bit digest of everything added, from two seeded XxHash64 passes, for values only ever compared with
    /// each other (an up-to-date snapshot's name, program stamp and declarations).
    /// </summary>
    public Hash128 BuildDigest()
    {
        // XxHash64, not XxHash128: over 240 bytes, XxHash128 runs vector code compiled at run time (bench/README.md,
        // round 4).
        var hash = new Hash128(XxHash64.HashToUInt64(Written), XxHash64.HashToUInt64(Written, DigestSeed));
        Release();
        return hash;
    }

    private const long DigestSeed = 0x5DA7AB01D;

    private ReadOnlySpan<byte> Written => _buffer.Length > 0 ? _buffer.AsSpan(0, _length) : throw new InvalidOperationException("HashBuilder used after Build().");

    private void Release()
    {
        if (_buffer.Length <= LargestKept)
        {
            var spares = t_spares ??= new byte[Kept][];
            for (var i = 0; i < spares.Length; i++)
                if (spares[i] is null)
                {
                    spares[i] = _buffer;
                    break;
                }
        }
        _buffer = [];
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            if (_buffer.Length == 0) throw new InvalidOperationException("HashBuilder used after Build().");
            var bigger = new byte[Math.Max(_buffer.Length * 2, _length + count)];
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            _buffer = bigger;
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}

using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace DataBuild.Hashing;

/// <summary>A 128-bit content hash (XxHash128). Value type so a million of them cost 16 MB, not a million objects.</summary>
public readonly record struct Hash128(ulong High, ulong Low) : IComparable<Hash128>
{
    public static readonly Hash128 Empty = default;

    public bool IsEmpty => High == 0 && Low == 0;

    public static Hash128 Of(ReadOnlySpan<byte> bytes) => FromXxHash(XxHash128.HashToUInt128(bytes));

    public static Hash128 Of(string text)
    {
        var hasher = new XxHash128();
        Append(hasher, text);
        return FromXxHash(hasher.GetCurrentHashAsUInt128());
    }

    /// <summary>
    /// The hash of <paramref name="parts"/> joined by <paramref name="separator"/>, equal to <see cref="Of(string)"/> of
    /// the joined string, without building it. <paramref name="utf8Length"/> is the joined string's UTF-8 byte count.
    /// </summary>
    public static Hash128 OfParts(IReadOnlyList<string> parts, byte separator, int utf8Length)
    {
        var hasher = new XxHash128();
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8Length);
        hasher.Append(length);
        Span<byte> buffer = stackalloc byte[512];
        ReadOnlySpan<byte> sep = [separator];
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0) hasher.Append(sep);
            var part = parts[i];
            var count = Encoding.UTF8.GetByteCount(part);
            if (count <= buffer.Length)
            {
                Encoding.UTF8.GetBytes(part, buffer);
                hasher.Append(buffer[..count]);
            }
            else
            {
                hasher.Append(Encoding.UTF8.GetBytes(part));
            }
        }
        return FromXxHash(hasher.GetCurrentHashAsUInt128());
    }

    internal static Hash128 FromXxHash(UInt128 value) => new((ulong)(value >> 64), (ulong)value);

    internal static void Append(XxHash128 hasher, string text)
    {
        // Length-prefixed so ("ab","c") and ("a","bc") never collide.
        Span<byte> length = stackalloc byte[4];
        var byteCount = Encoding.UTF8.GetByteCount(text);
        BinaryPrimitives.WriteInt32LittleEndian(length, byteCount);
        hasher.Append(length);
        if (byteCount <= 512)
        {
            Span<byte> buffer = stackalloc byte[byteCount];
            Encoding.UTF8.GetBytes(text, buffer);
            hasher.Append(buffer);
        }
        else
        {
            hasher.Append(Encoding.UTF8.GetBytes(text));
        }
    }

    internal void AppendTo(XxHash128 hasher)
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteTo(bytes);
        hasher.Append(bytes);
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[16];
        WriteTo(bytes);
        return bytes;
    }

    public static Hash128 FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length == 16
        ? new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]))
        : throw new ArgumentException($"A Hash128 is 16 bytes, got {bytes.Length}.", nameof(bytes));

    public static Hash128 Parse(string hex) => FromBytes(Convert.FromHexString(hex));

    public override string ToString() => $"{High:x16}{Low:x16}";

    /// <summary>The first 12 hex digits: enough to tell hashes apart in explanations.</summary>
    public string Short => ToString()[..12];

    public int CompareTo(Hash128 other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);
}

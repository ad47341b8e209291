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
        // Length-prefixed (as in HashBuilder) so ("ab","c") and ("a","bc") never collide.
        var count = Encoding.UTF8.GetByteCount(text);
        if (count > 1020) return new HashBuilder().Add(text).Build();
        Span<byte> buffer = stackalloc byte[4 + count];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, count);
        Encoding.UTF8.GetBytes(text, buffer[4..]);
        return Of(buffer);
    }

    /// <summary>
    /// The hash of <paramref name="parts"/> joined by <paramref name="separator"/>, equal to <see cref="Of(string)"/> of
    /// the joined string, without building it.
    /// </summary>
    public static Hash128 OfParts(IReadOnlyList<string> parts, char separator)
    {
        var count = Math.Max(0, parts.Count - 1) * Encoding.UTF8.GetByteCount([separator]);
        foreach (var p in parts) count += Encoding.UTF8.GetByteCount(p);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(4 + count);
        try
        {
            var buffer = rented.AsSpan(0, 4 + count);
            BinaryPrimitives.WriteInt32LittleEndian(buffer, count);
            var at = 4;
            for (var i = 0; i < parts.Count; i++)
            {
                if (i > 0) at += Encoding.UTF8.GetBytes([separator], buffer[at..]);
                at += Encoding.UTF8.GetBytes(parts[i], buffer[at..]);
            }
            return Of(buffer);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    internal static Hash128 FromXxHash(UInt128 value) => new((ulong)(value >> 64), (ulong)value);

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

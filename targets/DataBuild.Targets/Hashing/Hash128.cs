using System.Buffers.Binary;
using System.IO.Hashing;

namespace DataBuild.Hashing;

/// <summary>A 128-bit content hash (XxHash128). Value type so a million of them cost 16 MB, not a million objects.</summary>
public readonly record struct Hash128(ulong High, ulong Low) : IComparable<Hash128>
{
    public static readonly Hash128 Empty = default;

    public bool IsEmpty => High == 0 && Low == 0;

    // Written out: the generated equality asks for EqualityComparer<ulong>.Default, which the runtime makes by
    // reflection, compiling its activator at run time, at every start (bench/README.md, round 15).
    public bool Equals(Hash128 other) => High == other.High && Low == other.Low;

    public override int GetHashCode() => (int)Low ^ (int)(Low >> 32) ^ (int)High ^ (int)(High >> 32);

    public static Hash128 Of(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(bytes, hash);
        return FromBytes(hash);
    }

    /// <summary>The hash of one string, length-prefixed as <see cref="HashBuilder.Add(string)"/> encodes it.</summary>
    public static Hash128 Of(string text) => new HashBuilder().Add(text).Build();

    /// <summary>
    /// The hash of <paramref name="parts"/> joined by <paramref name="separator"/>, equal to <see cref="Of(string)"/> of
    /// the joined string, without building it.
    /// </summary>
    public static Hash128 OfParts(IReadOnlyList<string> parts, char separator) => new HashBuilder().AddJoined(parts, separator).Build();

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

    /// <summary>32 lowercase hex digits.</summary>
    public override string ToString()
    {
        // By hand, not interpolated: the up-to-date check formats hashes, and the number formatter's first use costs
        // start-up time.
        Span<char> chars = stackalloc char[32];
        for (var i = 0; i < 16; i++)
        {
            chars[15 - i] = (char)HexDigits[(int)(High >> (4 * i)) & 0xF];
            chars[31 - i] = (char)HexDigits[(int)(Low >> (4 * i)) & 0xF];
        }
        return new string(chars);
    }

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>The first 12 hex digits: enough to tell hashes apart in explanations.</summary>
    public string Short => ToString()[..12];

    public int CompareTo(Hash128 other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);
}

using System.IO.Hashing;

namespace DataBuild.Hashing;

/// <summary>Combines strings and hashes into one Hash128, each part length-prefixed or fixed-size so the encoding is unambiguous.</summary>
public sealed class HashBuilder
{
    private readonly XxHash128 _hasher = new();

    public HashBuilder Add(string text)
    {
        Hash128.Append(_hasher, text);
        return this;
    }

    public HashBuilder Add(Hash128 hash)
    {
        hash.AppendTo(_hasher);
        return this;
    }

    public HashBuilder Add(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        _hasher.Append(bytes);
        return this;
    }

    public Hash128 Build() => Hash128.FromXxHash(_hasher.GetCurrentHashAsUInt128());
}

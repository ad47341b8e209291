using System.Buffers.Binary;
using System.Text;
using DataBuild.Hashing;

namespace DataBuild.Targets.Tests.Hashing;

public sealed class HashBuilderTests
{
    /// <summary>The bytes a builder hashes for these parts, written out independently: length-prefixed UTF-8, then a raw long.</summary>
    private static Hash128 Expected(IEnumerable<string> texts, long number)
    {
        var bytes = new List<byte>();
        foreach (var text in texts)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            var prefix = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(prefix, utf8.Length);
            bytes.AddRange(prefix);
            bytes.AddRange(utf8);
        }
        var tail = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(tail, number);
        bytes.AddRange(tail);
        return Hash128.Of(bytes.ToArray());
    }

    private static Hash128 Build(IEnumerable<string> texts, long number)
    {
        var builder = new HashBuilder();
        foreach (var text in texts) builder.Add(text);
        return builder.Add(number).Build();
    }

    [Fact]
    public void A_reused_buffer_hashes_only_what_its_new_builder_added()
    {
        // A long build first, leaving its (grown, non-zero) buffer behind for the thread's next builder.
        var first = Enumerable.Range(0, 100).Select(i => $"part {i} ü").ToArray();
        Assert.Equal(Expected(first, 7), Build(first, 7));

        Assert.Equal(Expected(["a"], 1), Build(["a"], 1));
        Assert.Equal(Expected([], 0), Build([], 0));
    }

    [Fact]
    public void Builders_alive_at_once_on_one_thread_do_not_share_a_buffer()
    {
        Build(["leave a spare buffer"], 0);
        var outer = new HashBuilder().Add("outer");
        var inner = new HashBuilder().Add("inner");
        outer.Add(1);
        var innerHash = inner.Add(2).Build();
        var outerHash = outer.Build();

        Assert.Equal(Expected(["inner"], 2), innerHash);
        Assert.Equal(Expected(["outer"], 1), outerHash);
    }

    [Fact]
    public void More_builders_alive_at_once_than_buffers_kept_each_hash_their_own_parts()
    {
        // Leave several spare buffers, then hold more builders than are kept, interleaving their parts.
        for (var i = 0; i < 6; i++) Build([$"spare {i}"], i);
        var builders = Enumerable.Range(0, 6).Select(i => new HashBuilder().Add($"builder {i}")).ToList();
        for (var i = 0; i < builders.Count; i++) builders[i].Add(i);

        for (var i = builders.Count - 1; i >= 0; i--) Assert.Equal(Expected([$"builder {i}"], i), builders[i].Build());
        Assert.Equal(Expected(["after"], 9), Build(["after"], 9));
    }

    [Fact]
    public void A_built_builder_refuses_more_use_and_leaves_the_next_one_usable()
    {
        var builder = new HashBuilder().Add("once");
        builder.Build();

        Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Throws<InvalidOperationException>(() => builder.BuildDigest());
        Assert.Throws<InvalidOperationException>(() => builder.Add("too late"));
        Assert.Equal(Expected(["next"], 3), Build(["next"], 3));
    }
}

public sealed class Hash128Tests
{
    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(ulong.MaxValue, 1UL)]
    [InlineData(0x0123456789abcdefUL, 0xfedcba9876543210UL)]
    [InlineData(0x8000000000000000UL, 0x000000000000000fUL)]
    public void Text_is_32_lowercase_hex_digits_high_half_first_and_parses_back(ulong high, ulong low)
    {
        var hash = new Hash128(high, low);

        Assert.Equal(high.ToString("x16") + low.ToString("x16"), hash.ToString());
        Assert.Equal(hash, Hash128.Parse(hash.ToString()));
        Assert.Equal(hash.ToString()[..12], hash.Short);
    }
}

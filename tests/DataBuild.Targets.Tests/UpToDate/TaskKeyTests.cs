using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.Model;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.UpToDate;

/// <summary>
/// Task keys are what a state compares against: a key computed differently by a newer engine rebuilds every node of
/// every user once. These pin the encoding.
/// </summary>
public sealed class TaskKeyTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class CopyPipeline : Pipeline
    {
        Target Copy => _ => _
            .Partitions(() => [Key(("field", 296), ("quad", 3))])
            .Input("raw", "raw/f{field}/q{quad}.txt")
            .Parameter("alpha", 0.5)
            .Output("out/f{field}/q{quad}.txt")
            .Executes("cp", "--", "{in:raw}", "{out}");
    }

    [Fact]
    public async Task The_task_key_of_a_fixed_declaration_and_input_does_not_change_between_engine_versions()
    {
        _ws.Files.WriteAllText("raw/f296/q3.txt", "quad 3\n");

        var outcome = await _ws.Plan(new CopyPipeline());

        var node = outcome.Node("Copy[field=296,quad=3]");
        Assert.Equal(NodeState.WouldRun, node.State);
        // Computed by the engine of session 1 (string.Join-based command hash, LINQ-sorted entries); keep it.
        Assert.Equal("5d41802e46c97008efa9c6723b788145", node.TaskKey.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("cp")]
    [InlineData("cp|raw/q1|features/q1")]
    [InlineData("sh|-c|échec → ü||x")]
    public void Hashing_parts_equals_hashing_the_joined_string(string argv)
    {
        var parts = argv.Length == 0 ? [] : argv.Split('|');
        var joined = string.Join("\0", parts);

        Assert.Equal(Hash128.Of(joined), Hash128.OfParts(parts, '\0'));
    }

    [Fact]
    public void Hashing_parts_longer_than_the_stack_buffer_equals_hashing_the_joined_string()
    {
        string[] parts = ["cat", new string('a', 700), "b", new string('é', 400)];
        var joined = string.Join("\0", parts);

        Assert.Equal(Hash128.Of(joined), Hash128.OfParts(parts, '\0'));
    }
}

public sealed class HashBuilderTests
{
    [Fact]
    public void A_builder_hashes_length_prefixed_utf8_strings_big_endian_hashes_and_little_endian_longs()
    {
        var inner = Hash128.Of("inner");
        var expected = new List<byte>(); // each string: its UTF-8 length (int32, little-endian), then its UTF-8
        foreach (var text in new[] { "outputs", "héllo" })
        {
            var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
            expected.AddRange(BitConverter.GetBytes(utf8.Length));
            expected.AddRange(utf8);
        }
        expected.AddRange(inner.ToBytes());
        expected.AddRange(BitConverter.GetBytes(42L));

        var built = new HashBuilder().Add("outputs").Add("héllo").Add(inner).Add(42L).Build();

        Assert.Equal(Hash128.Of(expected.ToArray()), built);
    }

    [Fact]
    public void A_builder_that_outgrows_its_first_buffer_gives_the_same_hash_as_one_that_does_not()
    {
        var names = Enumerable.Range(0, 2000).Select(i => $"FanoutFeatures[group={i / 64},quad={i}]").ToList();
        var big = new HashBuilder();
        var bytes = new List<byte>();
        foreach (var n in names)
        {
            big.Add(n);
            var utf8 = System.Text.Encoding.UTF8.GetBytes(n);
            bytes.AddRange(BitConverter.GetBytes(utf8.Length));
            bytes.AddRange(utf8);
        }

        Assert.Equal(Hash128.Of(bytes.ToArray()), big.Build());
    }
}

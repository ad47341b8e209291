using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Testing;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.UpToDate;

/// <summary>
/// The witness table a build that kept most verdicts saves: the carried witnesses, less those re-observed, dropped or
/// on untrusted paths, then the fresh ones, each with its own numbers and content hash.
/// </summary>
public sealed class WitnessTableTests
{
    [Fact]
    public void Merge_carries_the_rest_in_order_and_puts_the_fresh_witnesses_last()
    {
        var files = new InMemoryFileSystem();
        foreach (var path in new[] { "raw/a", "raw/b", "raw/c", "raw/d", "raw/é-ü" }) files.WriteAllText(path, path);
        files.CreateDirectory("dir");
        Witness Stat(string path) => new(WitnessKind.Stat, path, files.Stat(path), default);
        var content = new Dictionary<string, WitnessTable.Content> { ["raw/b"] = new(Hash128.Of("b"u8), false), ["raw/é-ü"] = new(Hash128.Of("u"u8), false) };
        var observed = new Dictionary<(WitnessKind, string), Witness>();
        foreach (var w in new[] { Stat("raw/a"), Stat("raw/b"), new Witness(WitnessKind.Listing, "dir", null, Hash128.Of("listing"u8)), Stat("raw/c"), Stat("raw/d"), Stat("raw/é-ü") })
            observed[(w.Kind, w.Path)] = w;
        var table = WitnessTable.From(observed.Values, path => content.TryGetValue(path, out var c) ? c : null);
        files.WriteAllText("raw/b", "rewritten");
        files.WriteAllText("raw/e", "new");

        // raw/c dropped by index, raw/d untrusted, raw/b observed again; "dir" observed again as a stat, not as a listing.
        var fresh = new Dictionary<(WitnessKind, string), Witness>
        {
            [(WitnessKind.Stat, "raw/b")] = Stat("raw/b"),
            [(WitnessKind.Stat, "raw/e")] = Stat("raw/e"),
            [(WitnessKind.Stat, "dir")] = Stat("dir"),
        };
        var merging = table.Merge([3], fresh, ["raw/d"], path => content.TryGetValue(path, out var c) ? c : null);
        var merged = merging.ToTable();

        Assert.Equal(["raw/a", "dir", "raw/é-ü", "raw/b", "raw/e", "dir"], Enumerable.Range(0, merged.Count).Select(merged.PathAt));
        // Each witness kept its own numbers: all hold against the file system as it is now but the listing, recorded
        // with a made-up hash.
        var (changed, moved) = (new List<int>(), new List<(int, FileStat)>());
        merged.Changed(files, 0, merged.Count, changed, moved);
        Assert.Equal([1], changed);
        Assert.Empty(moved);

        // And the same once written and read back; written run by run (as a snapshot is saved), byte for byte what the table writes.
        var bytes = new MemoryStream();
        using (var o = new BinaryWriter(bytes, System.Text.Encoding.UTF8, leaveOpen: true)) merged.Write(o);
        var streamed = new MemoryStream();
        using (var o = new BinaryWriter(streamed, System.Text.Encoding.UTF8, leaveOpen: true)) merging.Write(o);
        Assert.Equal(bytes.ToArray(), streamed.ToArray());
        bytes.Position = 0;
        var read = WitnessTable.Read(new BinaryReader(bytes));
        Assert.Equal(Enumerable.Range(0, merged.Count).Select(merged.PathAt), Enumerable.Range(0, read.Count).Select(read.PathAt));
    }
}

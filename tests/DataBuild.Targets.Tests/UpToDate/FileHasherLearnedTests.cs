using DataBuild.State;
using DataBuild.Testing;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.UpToDate;

/// <summary>
/// What a build's hasher says it gave for a file: the one content its verdicts rest on, or that there were two. The
/// up-to-date snapshot trusts a file by its content only in the first case.
/// </summary>
public sealed class FileHasherLearnedTests
{
    private static (InMemoryFileSystem Files, FileHasher Hasher) Hasher()
    {
        var files = new InMemoryFileSystem();
        files.WriteAllText("raw/a.txt", "one\n");
        return (files, new FileHasher(files, new Dictionary<string, FileRecord>()));
    }

    [Fact]
    public void A_file_read_twice_with_the_same_content_has_one_hash_under_its_stat()
    {
        var (files, hasher) = Hasher();
        var first = hasher.Hash("raw/a.txt");
        files.Touch("raw/a.txt");
        hasher.Hash("raw/a.txt");

        var learned = hasher.LearnedOf("raw/a.txt");

        Assert.NotNull(learned);
        Assert.False(learned.Value.Conflicting);
        Assert.Equal(first, learned.Value.Hash);
        Assert.Equal(files.Stat("raw/a.txt"), learned.Value.Stat);
        Assert.Null(hasher.LearnedOf("raw/never-read.txt"));
    }

    [Fact]
    public void An_input_read_with_two_contents_is_conflicting()
    {
        var (files, hasher) = Hasher();
        hasher.Hash("raw/a.txt");
        files.WriteAllText("raw/a.txt", "two\n");
        hasher.Hash("raw/a.txt");

        Assert.True(hasher.LearnedOf("raw/a.txt")!.Value.Conflicting);
    }

    [Fact]
    public void A_rebuilt_output_supersedes_what_its_own_check_saw()
    {
        var (files, hasher) = Hasher();
        hasher.Hash("raw/a.txt", input: false); // the producer's check of its stale output
        files.WriteAllText("raw/a.txt", "rebuilt\n");
        var rebuilt = ContentHasherOf("rebuilt\n");
        hasher.Remember("raw/a.txt", rebuilt);
        hasher.Hash("raw/a.txt"); // a consumer, after the rebuild

        var learned = hasher.LearnedOf("raw/a.txt")!.Value;
        Assert.False(learned.Conflicting);
        Assert.Equal(rebuilt, learned.Hash);
    }

    [Fact]
    public void An_output_a_consumer_read_before_its_rebuild_is_conflicting()
    {
        var (files, hasher) = Hasher();
        hasher.Hash("raw/a.txt"); // read as an input before its producer ran (a dependency the pipeline did not declare)
        files.WriteAllText("raw/a.txt", "rebuilt\n");
        hasher.Remember("raw/a.txt", ContentHasherOf("rebuilt\n"));

        Assert.True(hasher.LearnedOf("raw/a.txt")!.Value.Conflicting);
    }

    private static DataBuild.Hashing.Hash128 ContentHasherOf(string text) =>
        DataBuild.Hashing.ContentHasher.Hash(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));
}

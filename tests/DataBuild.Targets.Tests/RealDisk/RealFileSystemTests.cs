using DataBuild.IO;
using DataBuild.State;
using DataBuild.Targets.Tests.Support;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.RealDisk;

public sealed class RealFileSystemTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RealFileSystem _fs;

    public RealFileSystemTests() => _fs = new RealFileSystem(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private void Write(string relative, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_dir.File(relative))!);
        File.WriteAllText(_dir.File(relative), text);
    }

    [Fact]
    public void Stat_answers_relative_and_absolute_paths_alike_and_null_for_what_is_missing()
    {
        Write("raw/q1", "quad 1\n");

        var relative = _fs.Stat("raw/q1");
        var absolute = _fs.Stat(_dir.File("raw/q1"));

        Assert.Equal(7, relative!.Value.Size);
        Assert.Equal(relative, absolute);
        Assert.True(_fs.Stat("raw")!.Value.IsDirectory);
        Assert.True(_fs.Stat("")!.Value.IsDirectory);
        Assert.Null(_fs.Stat("raw/q2"));
        Assert.Null(_fs.Stat("raw/q1/below-a-file"));
    }

    [Fact]
    public void ReadAllBytes_reads_whole_files_of_any_size_relative_or_absolute()
    {
        Write("empty", "");
        var big = new byte[200_000];
        new Random(7).NextBytes(big);
        File.WriteAllBytes(_dir.File("big.bin"), big);

        Assert.Empty(_fs.ReadAllBytes("empty"));
        Assert.Equal(big, _fs.ReadAllBytes("big.bin"));
        Assert.Equal(big, _fs.ReadAllBytes(_dir.File("big.bin")));
    }

    [Fact]
    public void OpenRead_streams_a_file_and_fails_as_a_FileStream_would_for_what_cannot_be_read()
    {
        var big = new byte[300_000];
        new Random(3).NextBytes(big);
        File.WriteAllBytes(_dir.File("big.bin"), big);
        Write("raw/q1", "quad 1\n");

        using (var stream = _fs.OpenRead("big.bin"))
        {
            var read = new MemoryStream();
            stream.CopyTo(read);
            Assert.Equal(big, read.ToArray());
            Assert.False(stream.CanWrite);
        }
        using (var stream = _fs.OpenRead(_dir.File("raw/q1")))
            Assert.Equal("quad 1\n", new StreamReader(stream).ReadToEnd());
        Assert.Throws<FileNotFoundException>(() => _fs.OpenRead("raw/q2"));
        Assert.Throws<DirectoryNotFoundException>(() => _fs.OpenRead("raw/q1/below-a-file"));
        Assert.Throws<UnauthorizedAccessException>(() => _fs.OpenRead("raw"));
        // The descriptors are closed with their streams: a thousand opens leave the process's count where it was.
        var before = Directory.GetFiles("/proc/self/fd").Length;
        for (var i = 0; i < 1000; i++) _fs.OpenRead("raw/q1").Dispose();
        Assert.InRange(Directory.GetFiles("/proc/self/fd").Length, 0, before + 5);
    }

    [Fact]
    public void Files_are_created_truncated_appended_and_locked_as_FileStream_does()
    {
        using (var s = _fs.Create("logs/a/task.log")) s.Write("first, long\n"u8); // its directory made on the way
        using (var s = _fs.Create("logs/a/task.log")) s.Write("second\n"u8);
        using (var one = _fs.Append("logs/a/task.log"))
        using (var two = _fs.Append("logs/a/task.log"))
        {
            one.Write("one\n"u8);
            one.Flush();
            two.Write("two\n"u8); // a second appender writes after the first, not over it
        }
        Assert.Equal("second\none\ntwo\n", File.ReadAllText(_dir.File("logs/a/task.log")));

        var lockPath = _dir.File("lock");
        using (RealFileSystem.OpenFile(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var second = Assert.Throws<IOException>(() => RealFileSystem.OpenFile(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            Assert.Contains("being used by another process", second.Message);
            Assert.Throws<IOException>(() => new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.Read)); // .NET's own open sees the lock
        }
        using (RealFileSystem.OpenFile(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)) { } // released with its stream
        Assert.Throws<DirectoryNotFoundException>(() => RealFileSystem.OpenFile(_dir.File("missing/x"), FileMode.Create, FileAccess.Write));
        Assert.Throws<UnauthorizedAccessException>(() => RealFileSystem.OpenFile(_dir.File("logs"), FileMode.Create, FileAccess.Write));
    }

    [Fact]
    public void ReadAllBytes_reads_past_a_size_the_file_does_not_report()
    {
        // /proc files stat as empty and still have content: the read goes on until the end, not to the stat's size.
        var status = _fs.ReadAllBytes("/proc/self/status");

        Assert.Equal(0, _fs.Stat("/proc/self/status")!.Value.Size);
        Assert.Contains("Pid:", System.Text.Encoding.ASCII.GetString(status));
    }

    [Fact]
    public void ReadAllBytes_of_a_missing_file_or_a_directory_names_it()
    {
        Directory.CreateDirectory(_dir.File("adir"));

        var missing = Assert.Throws<FileNotFoundException>(() => _fs.ReadAllBytes("nope"));
        var directory = Assert.ThrowsAny<IOException>(() => _fs.ReadAllBytes("adir"));

        Assert.Contains(_dir.File("nope"), missing.Message);
        Assert.Contains(_dir.File("adir"), directory.Message);
    }

    [Fact]
    public void Names_lists_files_and_directories_of_one_level_without_dot_entries()
    {
        Write("a.txt", "a");
        Write("sub/b.txt", "b");
        Write("ünïcode name", "c");

        Assert.Equal(["a.txt", "sub", "ünïcode name"], RealFileSystem.Names(_dir.Path).Order(StringComparer.Ordinal));
        Assert.Equal(["b.txt"], RealFileSystem.Names(_dir.File("sub")));
        Assert.Throws<FileNotFoundException>(() => RealFileSystem.Names(_dir.File("missing")));
    }

    [Fact]
    public void Stat_works_for_a_root_that_did_not_exist_when_the_file_system_was_made()
    {
        var root = _dir.File("later");
        var fs = new RealFileSystem(root);
        Assert.Null(fs.Stat("x"));

        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "x"), "x");

        Assert.Equal(1, fs.Stat("x")!.Value.Size);
    }

    [Fact]
    public void A_file_rewritten_with_the_same_size_gets_a_new_hash_through_the_stat_cache()
    {
        Write("a.txt", "abc");
        var first = new FileHasher(_fs, new Dictionary<string, FileRecord>()) { Clock = AMinuteFromNow };
        var before = first.Hash("a.txt");
        var cache = first.TakeUpdates().ToDictionary(kv => kv.Key, kv => kv.Value);
        Write("a.txt", "xyz");

        var after = new FileHasher(_fs, cache).Hash("a.txt");

        Assert.NotNull(before);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void An_unchanged_file_is_not_read_again()
    {
        Write("a.txt", "abc");
        var first = new FileHasher(_fs, new Dictionary<string, FileRecord>()) { Clock = AMinuteFromNow };
        var hash = first.Hash("a.txt");
        var second = new FileHasher(_fs, first.TakeUpdates().ToDictionary(kv => kv.Key, kv => kv.Value));

        Assert.Equal(hash, second.Hash("a.txt"));
        Assert.Equal(0, second.BytesRead);
    }

    [Fact]
    public void A_file_hashed_just_after_it_was_written_is_not_cached_under_its_stat()
    {
        Write("a.txt", "abc");
        var hasher = new FileHasher(_fs, new Dictionary<string, FileRecord>()); // the real clock: a few ms after the write

        Assert.NotNull(hasher.Hash("a.txt"));
        Assert.Empty(hasher.TakeUpdates());
    }

    // Hashing as if a minute after the files were written: their stats are past the racy tick, so they are cached.
    private static FakeClock AMinuteFromNow => new(DateTimeOffset.UtcNow.AddMinutes(1));

    [Fact]
    public void A_directory_hashes_as_its_tree_so_renames_and_edits_change_it()
    {
        Write("d/x.txt", "1");
        Write("d/sub/y.txt", "2");
        var hash = new FileHasher(_fs, new Dictionary<string, FileRecord>()).Hash("d");
        File.Move(_dir.File("d/x.txt"), _dir.File("d/z.txt"));

        var renamed = new FileHasher(_fs, new Dictionary<string, FileRecord>()).Hash("d");

        Assert.NotEqual(hash, renamed);
        Assert.Equal(["sub/y.txt", "z.txt"], _fs.ListFiles("d"));
    }

    [Fact]
    public void Replace_puts_a_file_in_place_of_the_old_one()
    {
        Write("staging/out.txt", "new");
        Write("out.txt", "old");

        _fs.Replace("staging/out.txt", "out.txt");

        Assert.Equal("new", File.ReadAllText(_dir.File("out.txt")));
        Assert.False(File.Exists(_dir.File("staging/out.txt")));
    }

    [Fact]
    public void Replace_creates_the_missing_parents_of_a_new_output()
    {
        Write("staging/out.txt", "new");

        _fs.Replace("staging/out.txt", "a/b/out.txt");

        Assert.Equal("new", File.ReadAllText(_dir.File("a/b/out.txt")));
    }

    [Fact]
    public void Replace_puts_a_file_in_place_of_an_old_directory_output()
    {
        Write("staging/out", "file now");
        Write("out/old.txt", "a directory before");

        _fs.Replace("staging/out", "out");

        Assert.Equal("file now", File.ReadAllText(_dir.File("out")));
    }

    [Fact]
    public void Replace_of_a_missing_file_says_so_and_leaves_the_old_output()
    {
        Write("out.txt", "old");

        Assert.ThrowsAny<IOException>(() => _fs.Replace("staging/missing.txt", "out.txt"));
        Assert.Equal("old", File.ReadAllText(_dir.File("out.txt")));
    }

    [Fact]
    public void Create_and_append_make_the_missing_directories()
    {
        using (var s = _fs.Create("logs/a/x.log")) s.WriteByte((byte)'x');
        using (var s = _fs.Append("logs/b/y.log")) s.WriteByte((byte)'y');

        Assert.Equal("x", File.ReadAllText(_dir.File("logs/a/x.log")));
        Assert.Equal("y", File.ReadAllText(_dir.File("logs/b/y.log")));
    }

    [Fact]
    public void Threads_creating_files_in_the_same_new_directory_all_succeed()
    {
        // Each round, threads released together create and append to files in one directory none of them has made
        // yet: the losers of the mkdir race must still get their file (a task's first log line once failed this way).
        const int rounds = 2000, threads = 4;
        using var start = new Barrier(threads);
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            for (var round = 0; round < rounds; round++)
            {
                start.SignalAndWait();
                try
                {
                    using var s = i % 2 == 0 ? _fs.Create($"logs/r{round}/t{i}.log") : _fs.Append($"logs/r{round}/t{i}.log");
                    s.WriteByte((byte)'x');
                }
                catch (IOException e)
                {
                    errors.Enqueue(e.Message);
                }
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());

        Assert.Empty(errors);
        Assert.Equal(rounds * threads, Directory.GetFiles(_dir.File("logs"), "*.log", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Replace_exchanges_a_directory_with_the_old_tree_and_removes_the_old_files()
    {
        Write("staging/tree/new.txt", "new");
        Write("tree/old.txt", "old");

        _fs.Replace("staging/tree", "tree");

        Assert.Equal(["new.txt"], _fs.ListFiles("tree"));
        Assert.False(Directory.Exists(_dir.File("staging/tree")));
    }

    [Fact]
    public void Stat_gives_size_and_inode_and_null_for_a_missing_path()
    {
        Write("a.txt", "abcd");

        var stat = _fs.Stat("a.txt");

        Assert.Equal(4, stat!.Value.Size);
        Assert.NotEqual(0, stat.Value.Inode);
        Assert.Null(_fs.Stat("missing/a.txt"));
    }
}

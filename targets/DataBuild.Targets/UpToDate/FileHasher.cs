using System.Collections.Concurrent;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>
/// Content hashes through the stat cache: a file whose size, mtime, ctime and inode match the cache is not read.
/// Directories hash as the sorted (relative path, content hash) tree. Safe to call from several threads.
/// </summary>
public sealed class FileHasher(IFileSystem fileSystem, Task<Dictionary<string, FileRecord>> cacheLoad)
{
    public FileHasher(IFileSystem fileSystem, IReadOnlyDictionary<string, FileRecord> cache)
        : this(fileSystem, Task.FromResult(cache as Dictionary<string, FileRecord> ?? cache.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)))
    {
    }

    /// <summary>A hasher that reads the stat cache one file at a time, for builds that hash few files.</summary>
    public FileHasher(IFileSystem fileSystem, Func<string, FileRecord?> lookup)
        : this(fileSystem, Task.FromResult<Dictionary<string, FileRecord>>(null!)) => _lookup = lookup;

    private readonly Func<string, FileRecord?>? _lookup;
    private Dictionary<string, FileRecord>? _cache;

    // Loaded by the state in the background while targets are materialized; the first hash waits for it.
    private Dictionary<string, FileRecord> Cache => _cache ?? LoadCache();

    private Dictionary<string, FileRecord> LoadCache()
    {
        var cache = cacheLoad.GetAwaiter().GetResult();
        // A check that hashes every recorded file learns about as many: sized once, not grown by doubling through them.
        if (Learns)
            lock (_learned) _learned.EnsureCapacity(cache.Count);
        return _cache = cache;
    }

    private FileRecord? Cached(string path) => _lookup is { } lookup ? lookup(path) : Cache.GetValueOrDefault(path);

    private readonly ConcurrentDictionary<string, FileRecord> _updates = new(StringComparer.Ordinal);
    // Read: some verdict read the file as an input (not only its producer, checking its own output).
    private readonly Dictionary<string, (Learned Learned, bool Read)> _learned = new(StringComparer.Ordinal);
    private long _bytesRead;

    /// <summary>
    /// The content hash this hasher gave for a file (hashed, from the stat cache, or remembered from staging) and the
    /// stat it had then; <see cref="Conflicting"/> when it gave two different hashes for it that verdicts rest on,
    /// which happens when the file changed while the build ran (a producer's new output replaces what its own check
    /// saw, unless a consumer had read the old content).
    /// </summary>
    public readonly record struct Learned(FileStat Stat, Hash128 Hash, bool Conflicting);

    public IFileSystem FileSystem => fileSystem;

    /// <summary>
    /// The time files are hashed at, against which a file is racy (its timestamps within a tick of it, see
    /// <see cref="WitnessTable.Racy"/>): a racy file is hashed but not entered in the stat cache.
    /// </summary>
    public IClock Clock { get; init; } = SystemClock.Instance;

    /// <summary>
    /// Whether <see cref="LearnedOf"/> keeps what each file hashed to (default true). False for a plan, which saves no
    /// up-to-date snapshot: a million-file account nobody reads would be most of what it allocates.
    /// </summary>
    public bool Learns { get; init; } = true;

    /// <summary>Bytes read to hash files whose stat changed (a no-op build reads none).</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>
    /// The content hash of a file or directory, or null when it does not exist. <paramref name="input"/>: false when
    /// a node checks its own output (a rebuild may replace it), true when a verdict reads it as an input.
    /// </summary>
    public Hash128? Hash(string path, bool input = true)
    {
        var stat = fileSystem.Stat(path);
        if (stat is null) return null;
        return stat.Value.IsDirectory ? HashDirectory(path, input) : HashFile(path, stat.Value, input);
    }

    /// <summary>Records a hash already known (computed while staging an output) against the file's current stat.</summary>
    public void Remember(string path, Hash128 hash)
    {
        if (fileSystem.Stat(path) is not { IsDirectory: false } stat) return;
        _updates[path] = new FileRecord(stat, hash);
        lock (_learned)
        {
            // The producer's new content supersedes what its own check saw; not what a consumer read before it.
            var read = _learned.TryGetValue(path, out var earlier) && earlier.Read;
            _learned[path] = (new Learned(stat, hash, read && (earlier.Learned.Conflicting || earlier.Learned.Hash != hash)), read);
        }
    }

    /// <summary>
    /// What this hasher gave for <paramref name="path"/> so far, or null when it gave nothing: every verdict of the
    /// build that rests on the file's content rests on this hash, unless it is <see cref="Learned.Conflicting"/>.
    /// </summary>
    public Learned? LearnedOf(string path) => Lookup(_learned, path);

    /// <summary>
    /// <see cref="LearnedOf"/> as a function that keeps only what was learned alive, not the hasher and its stat
    /// cache: the up-to-date snapshot is saved at the end of a build, when its memory peaks.
    /// </summary>
    public Func<string, Learned?> LearnedLookup()
    {
        var learned = _learned;
        return path => Lookup(learned, path);
    }

    private static Learned? Lookup(Dictionary<string, (Learned Learned, bool Read)> learned, string path)
    {
        lock (learned) return learned.TryGetValue(path, out var known) ? known.Learned : null;
    }

    private Hash128 Learn(string path, FileStat stat, Hash128 hash, bool input)
    {
        if (!Learns) return hash;
        lock (_learned)
        {
            var known = _learned.TryGetValue(path, out var earlier);
            _learned[path] = (new Learned(stat, hash, known && (earlier.Learned.Conflicting || earlier.Learned.Hash != hash)), input || (known && earlier.Read));
        }
        return hash;
    }

    /// <summary>Cache entries learned since the last call, to persist.</summary>
    public List<KeyValuePair<string, FileRecord>> TakeUpdates()
    {
        var list = new List<KeyValuePair<string, FileRecord>>(_updates.Count);
        foreach (var key in _updates.Keys)
            if (_updates.TryRemove(key, out var record)) list.Add(new(key, record));
        return list;
    }

    private Hash128 HashFile(string path, FileStat stat, bool input)
    {
        if (_updates.TryGetValue(path, out var fresh) && fresh.Stat.SameContentAs(stat)) return Learn(path, stat, fresh.Hash, input);
        if (Cached(path) is { } cached && cached.Stat.SameContentAs(stat)) return Learn(path, stat, cached.Hash, input);
        var observedNs = Clock.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        Hash128 hash;
        using (var stream = fileSystem.OpenRead(path)) hash = ContentHasher.Hash(stream);
        Interlocked.Add(ref _bytesRead, stat.Size);
        // Stat again: a file rewritten while we read it must not be cached under the old stat. Nor one written within
        // a timestamp tick of now: rewritten again in that tick at the same size, its stat would not move (git's "racy
        // clean"), so the next build reads it once more and caches it then. Outputs this build staged (Remember) are
        // cached as they are: only a process racing the build itself could rewrite them in that tick.
        var after = fileSystem.Stat(path);
        if (after is { } a && a.SameContentAs(stat) && !WitnessTable.Racy(stat, observedNs)) _updates[path] = new FileRecord(stat, hash);
        return Learn(path, stat, hash, input);
    }

    private Hash128 HashDirectory(string path, bool input) =>
        TreeHash(fileSystem.ListFiles(path).Select(relative => (relative, Hash(path.TrimEnd('/') + "/" + relative, input) ?? Hash128.Empty)));

    /// <summary>A directory's hash from its files' (relative path, hash), in ordinal path order.</summary>
    public static Hash128 TreeHash(IEnumerable<(string RelativePath, Hash128 Hash)> files)
    {
        var builder = new HashBuilder().Add("dir");
        foreach (var (relative, hash) in files) builder.Add(relative).Add(hash);
        return builder.Build();
    }

    /// <summary>A node's output hash: what dependents see, and what early cutoff compares.</summary>
    public static Hash128 CombineOutputs(IReadOnlyList<State.OutputEntry> outputs)
    {
        var builder = OutputsBuilder();
        for (var i = 0; i < outputs.Count; i++) AddOutput(builder, outputs[i].Name, outputs[i].Hash);
        return builder.Build();
    }

    /// <summary>
    /// <see cref="CombineOutputs"/> piece by piece, for a caller that has the outputs in arrays: start with this, add
    /// each output in declared order with <see cref="AddOutput"/>, then <see cref="HashBuilder.Build"/>.
    /// </summary>
    public static HashBuilder OutputsBuilder() => new HashBuilder().Add("outputs");

    public static HashBuilder AddOutput(HashBuilder outputs, string name, Hash128 hash) => outputs.Add(name).Add(hash);
}

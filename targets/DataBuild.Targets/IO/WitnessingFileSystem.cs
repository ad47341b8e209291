using DataBuild.Hashing;
using DataBuild.UpToDate;

namespace DataBuild.IO;

public enum WitnessKind : byte { Stat, Listing, Glob }

/// <summary>
/// One observation a build's decisions rest on: the stat of a path (null: absent), or the hash of a directory
/// listing or glob result. Observing the same again proves the file system looks as it did then.
/// </summary>
public readonly record struct Witness(WitnessKind Kind, string Path, FileStat? Stat, Hash128 Listing)
{
    public static Hash128 HashOf(IReadOnlyList<string> paths) => new HashBuilder().AddJoined(paths, '\n').BuildDigest();
}

/// <summary>
/// A file system that remembers every stat, listing and glob made through it (from any thread), so a build that
/// found everything up to date can say exactly which observations that verdict rests on (the up-to-date snapshot).
/// Writes pass through unrecorded; a stat by UTF-8 path (the interface's default) is recorded as a string stat.
/// </summary>
public sealed class WitnessingFileSystem(IFileSystem inner) : IFileSystem
{
    private readonly ThreadLocal<Log> _seen = new(() => new Log(), trackAllValues: true);

    /// <summary>Everything observed so far, in no particular order, repeats included.</summary>
    public List<Witness> Witnesses() => [.. Observed()];

    /// <summary>
    /// The same, read where it was recorded rather than copied (a cold build observes a few stats per file: a copy
    /// would add to its memory at its peak). Call it once the observing threads are done.
    /// </summary>
    public IReadOnlyCollection<Witness> Observed() => new Observations(_seen.Values);

    private sealed class Observations(IList<Log> logs) : IReadOnlyCollection<Witness>
    {
        public int Count
        {
            get
            {
                var count = 0;
                foreach (var log in logs) count += log.Count;
                return count;
            }
        }

        public IEnumerator<Witness> GetEnumerator()
        {
            foreach (var log in logs)
            {
                foreach (var chunk in log.Full)
                    foreach (var witness in chunk)
                        yield return witness;
                for (var i = 0; i < log.Used; i++) yield return log.Current[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// One thread's observations in fixed-size chunks: a full check observes a few hundred thousand stats, which a list
    /// would copy into ever larger arrays as it grows, each left on the large-object heap until a full collection.
    /// </summary>
    private sealed class Log
    {
        private const int ChunkSize = 4096;

        /// <summary>The chunks filled so far, each <see cref="ChunkSize"/> long.</summary>
        public List<Witness[]> Full { get; } = [];

        /// <summary>
        /// The chunk being filled, its first <see cref="Used"/> entries set (small at first: most threads observe little).
        /// </summary>
        public Witness[] Current { get; private set; } = new Witness[16];

        public int Used { get; private set; }

        public int Count => Full.Count * ChunkSize + Used;

        public void Add(Witness witness)
        {
            if (Used == Current.Length)
            {
                if (Current.Length < ChunkSize)
                {
                    var larger = new Witness[Math.Min(ChunkSize, 2 * Current.Length)];
                    Current.CopyTo(larger, 0);
                    Current = larger;
                }
                else
                {
                    Full.Add(Current);
                    (Current, Used) = (new Witness[ChunkSize], 0);
                }
            }
            Current[Used++] = witness;
        }
    }

    public FileStat? Stat(string path)
    {
        var stat = inner.Stat(path);
        _seen.Value!.Add(new Witness(WitnessKind.Stat, path, stat, default));
        return stat;
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var files = inner.ListFiles(directory);
        _seen.Value!.Add(new Witness(WitnessKind.Listing, directory, null, Witness.HashOf(files)));
        return files;
    }

    public IReadOnlyList<string> Glob(string pattern)
    {
        var paths = inner.Glob(pattern);
        _seen.Value!.Add(new Witness(WitnessKind.Glob, pattern, null, Witness.HashOf(paths)));
        return paths;
    }

    public Stream OpenRead(string path) => inner.OpenRead(path);

    public Stream Create(string path) => inner.Create(path);

    public Stream Append(string path) => inner.Append(path);

    public void CreateDirectory(string path) => inner.CreateDirectory(path);

    public void Replace(string source, string destination) => inner.Replace(source, destination);

    public void Delete(string path) => inner.Delete(path);

    public string FullPath(string path) => inner.FullPath(path);
}

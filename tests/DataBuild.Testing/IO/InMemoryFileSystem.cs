using DataBuild.IO;

namespace DataBuild.Testing;

/// <summary>
/// A file system in a dictionary, for planner and executor tests. Every write bumps a fake nanosecond clock and
/// gives a fresh inode, so stat-based caching behaves as on disk. Thread-safe: local executor tests write from tasks.
/// </summary>
public sealed class InMemoryFileSystem : IFileSystem
{
    private readonly Dictionary<string, (byte[] Bytes, FileStat Stat)> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "" };
    private readonly Lock _lock = new();
    private long _clockNs = 1_700_000_000_000_000_000;
    private long _nextInode = 1;

    /// <summary>How many bytes were read through <see cref="OpenRead"/>: a no-op build must read none.</summary>
    public long BytesRead { get; private set; }

    public void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

    public void WriteAllBytes(string path, byte[] bytes)
    {
        path = Normalize(path);
        lock (_lock)
        {
            AddParents(path);
            _clockNs += 1000;
            _files[path] = (bytes, new FileStat(false, bytes.Length, _clockNs, _clockNs, _nextInode++));
        }
    }

    public string ReadAllText(string path)
    {
        lock (_lock) return System.Text.Encoding.UTF8.GetString(_files[Normalize(path)].Bytes);
    }

    /// <summary>Changes mtime and ctime but not the bytes, like touch(1).</summary>
    public void Touch(string path)
    {
        path = Normalize(path);
        lock (_lock)
        {
            var (bytes, stat) = _files[path];
            _clockNs += 1000;
            _files[path] = (bytes, stat with { MtimeNs = _clockNs, CtimeNs = _clockNs });
        }
    }

    /// <summary>
    /// Replaces the bytes and keeps the stat: a rewrite at the same size within one timestamp tick, which on disk
    /// leaves size, mtime, ctime and inode as they were (git's "racy clean" case).
    /// </summary>
    public void RewriteKeepingStat(string path, byte[] bytes)
    {
        path = Normalize(path);
        lock (_lock)
        {
            var (old, stat) = _files[path];
            if (old.Length != bytes.Length) throw new ArgumentException("a rewrite that keeps the stat keeps the size", nameof(bytes));
            _files[path] = (bytes, stat);
        }
    }

    public bool Exists(string path)
    {
        path = Normalize(path);
        lock (_lock) return _files.ContainsKey(path) || _directories.Contains(path);
    }

    public FileStat? Stat(string path)
    {
        path = Normalize(path);
        lock (_lock)
        {
            if (_files.TryGetValue(path, out var f)) return f.Stat;
            return _directories.Contains(path) ? new FileStat(true, 0, 0, 0, 0) : null;
        }
    }

    public Stream OpenRead(string path)
    {
        path = Normalize(path);
        lock (_lock)
        {
            if (!_files.TryGetValue(path, out var f)) throw new FileNotFoundException($"No such file: {path}", path);
            BytesRead += f.Bytes.Length;
            return new MemoryStream(f.Bytes, writable: false);
        }
    }

    public Stream Create(string path) => new CommitOnDispose(this, Normalize(path), append: false);

    public Stream Append(string path) => new CommitOnDispose(this, Normalize(path), append: true);

    public void CreateDirectory(string path)
    {
        lock (_lock) AddParents(Normalize(path) + "/x");
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var prefix = Normalize(directory);
        prefix = prefix.Length == 0 ? "" : prefix + "/";
        lock (_lock)
        {
            var list = _files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).ToList();
            list.Sort(StringComparer.Ordinal);
            return list;
        }
    }

    public IReadOnlyList<string> Glob(string pattern)
    {
        var regex = GlobPattern.ToRegex(pattern);
        lock (_lock)
        {
            var list = _files.Keys.Where(k => regex.IsMatch(k)).ToList();
            list.Sort(StringComparer.Ordinal);
            return list;
        }
    }

    public void Replace(string source, string destination)
    {
        source = Normalize(source);
        destination = Normalize(destination);
        lock (_lock)
        {
            DeleteLocked(destination);
            AddParents(destination);
            if (_files.Remove(source, out var file))
            {
                _clockNs += 1000;
                _files[destination] = (file.Bytes, file.Stat with { CtimeNs = _clockNs });
                return;
            }
            var prefix = source + "/";
            foreach (var key in _files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            {
                _files.Remove(key, out var moved);
                var target = destination + "/" + key[prefix.Length..];
                AddParents(target);
                _files[target] = moved;
            }
            _directories.RemoveWhere(d => d == source || d.StartsWith(prefix, StringComparison.Ordinal));
            _directories.Add(destination);
        }
    }

    public void Delete(string path)
    {
        lock (_lock) DeleteLocked(Normalize(path));
    }

    /// <summary>Paths are their own full paths here, so tasks in tests can write through this file system.</summary>
    public string FullPath(string path) => Normalize(path);

    private void DeleteLocked(string path)
    {
        _files.Remove(path);
        var prefix = path + "/";
        foreach (var key in _files.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList()) _files.Remove(key);
        _directories.RemoveWhere(d => d == path || d.StartsWith(prefix, StringComparison.Ordinal));
    }

    private void AddParents(string path)
    {
        for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
            _directories.Add(path[..slash]);
    }

    private static string Normalize(string path) => path.Replace('\\', '/').TrimStart('/').TrimEnd('/');

    private sealed class CommitOnDispose : MemoryStream
    {
        private readonly InMemoryFileSystem _fs;
        private readonly string _path;

        public CommitOnDispose(InMemoryFileSystem fs, string path, bool append)
        {
            _fs = fs;
            _path = path;
            if (append && fs.Stat(path) is { IsDirectory: false })
                lock (fs._lock) Write(fs._files[path].Bytes);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _fs.WriteAllBytes(_path, ToArray());
            base.Dispose(disposing);
        }
    }
}

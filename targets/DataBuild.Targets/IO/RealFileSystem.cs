using System.Runtime.InteropServices;

namespace DataBuild.IO;

/// <summary>
/// The disk, rooted at the workspace directory. On Linux, stat uses statx(2) for nanosecond mtime/ctime and the
/// inode (which .NET's FileInfo does not expose), and directory replacement uses renameat2(RENAME_EXCHANGE) so a
/// reader sees the old tree or the new tree, never a mix.
/// </summary>
public sealed partial class RealFileSystem(string root) : IFileSystem
{
    public string Root { get; } = Path.GetFullPath(root);

    public string FullPath(string path) => Path.IsPathRooted(path) ? path : Path.Combine(Root, path);

    public FileStat? Stat(string path) => OperatingSystem.IsLinux() ? StatLinux(RootFd, path, Root) : StatPortable(FullPath(path));

    public unsafe FileStat? Stat(ReadOnlySpan<byte> utf8PathWithNul)
    {
        var rootFd = OperatingSystem.IsLinux() ? RootFd : StatRootFallback;
        if (rootFd == StatRootFallback || utf8PathWithNul.Length <= 1 || utf8PathWithNul[^1] != 0)
            return Stat(System.Text.Encoding.UTF8.GetString(utf8PathWithNul.TrimEnd((byte)0)));
        byte* buf = stackalloc byte[256];
        fixed (byte* path = utf8PathWithNul)
            if (statx(rootFd, path, 0, StatxBasicStats, buf) == 0) return FromStatx(buf);
        var errno = Marshal.GetLastPInvokeError();
        if (errno is Enoent or Enotdir) return null;
        return Stat(System.Text.Encoding.UTF8.GetString(utf8PathWithNul[..^1])); // the string path reports the error
    }

    private int _rootFd = -1;

    // Relative paths are stat'ed against an O_PATH descriptor of the root: no joined string per call, and the
    // kernel walks only the relative part (every build stats every input and output; deep project paths add up).
    // One descriptor per workspace, kept for the process's life.
    private int RootFd
    {
        get
        {
            if (_rootFd >= 0) return _rootFd;
            var fd = open(Root, OPath | ODirectory | OCloexec);
            if (fd < 0) return StatRootFallback;
            if (Interlocked.CompareExchange(ref _rootFd, fd, -1) != -1) close(fd);
            return _rootFd;
        }
    }

    private const int StatRootFallback = int.MinValue; // the root cannot be opened: stat full paths instead
    private const int OPath = 0x200000, ODirectory = 0x10000, OCloexec = 0x80000, ORdonly = 0, OWronly = 1, ORdwr = 2, OCreat = 0x40, OTrunc = 0x200, OAppend = 0x400;
    private const int LockSh = 1, LockEx = 2, LockNb = 4;

    public Stream OpenRead(string path)
    {
        if (!OperatingSystem.IsLinux()) return new FileStream(FullPath(path), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        // Without the shared flock .NET takes on a file opened for reading: only DataBuild's own lock files are locked
        // exclusively, and inputs and outputs are not those.
        return Open(FullPath(path), FileMode.Open, FileAccess.Read, null, bufferSize: 1);
    }

    /// <summary>
    /// A stream on <paramref name="full"/> as <c>new FileStream(full, mode, access, share, bufferSize)</c> opens it (the
    /// exclusive flock of <see cref="FileShare.None"/>, the shared one of a read, the same exceptions), through open(2)
    /// on Linux: .NET's own open returns its handle through a marshaller that makes it by reflection, with code compiled
    /// at run time, at the first file of every build (bench/README.md, round 16). Appends are O_APPEND writes.
    /// </summary>
    public static FileStream OpenFile(string full, FileMode mode, FileAccess access, FileShare share = FileShare.Read, int bufferSize = 4096) =>
        OperatingSystem.IsLinux() ? Open(full, mode, access, share, bufferSize) : new FileStream(full, mode, access, share, bufferSize);

    private static FileStream Open(string full, FileMode mode, FileAccess access, FileShare? share, int bufferSize)
    {
        var flags = OCloexec | access switch { FileAccess.Read => ORdonly, FileAccess.Write => OWronly, _ => ORdwr } | mode switch
        {
            FileMode.Open => 0,
            FileMode.OpenOrCreate => OCreat,
            FileMode.Create => OCreat | OTrunc,
            FileMode.Append => OCreat | OAppend,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not a mode DataBuild opens files with"),
        };
        var fd = open(full, flags, 0b110_110_110); // 0666, less the umask, as .NET creates files
        if (fd < 0) throw OpenError(full, Marshal.GetLastPInvokeError(), (flags & OCreat) != 0);
        var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (access == FileAccess.Read && IsDirectory(fd)) throw OpenError(full, Eisdir, creating: false);
            // .NET's advisory locks: exclusive for FileShare.None, shared for a read; a filesystem without flock is not refused.
            if (share is { } shared && (shared == FileShare.None || access == FileAccess.Read)
                && flock(fd, (shared == FileShare.None ? LockEx : LockSh) | LockNb) != 0 && Marshal.GetLastPInvokeError() == Ewouldblock)
                throw new IOException($"The process cannot access the file '{full}' because it is being used by another process.");
            return new FileStream(handle, access, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static Exception OpenError(string full, int errno, bool creating) => errno switch
    {
        Enoent when creating || !Directory.Exists(Path.GetDirectoryName(full)) => new DirectoryNotFoundException($"Could not find a part of the path '{full}'."),
        Enotdir => new DirectoryNotFoundException($"Could not find a part of the path '{full}'."),
        Eacces or Eperm or Eisdir => new UnauthorizedAccessException($"Access to the path '{full}' is denied."),
        _ => ErrorFor(full, "open", errno),
    };

    private static unsafe bool IsDirectory(int fd)
    {
        byte* buf = stackalloc byte[256];
        byte empty = 0;
        return statx(fd, &empty, AtEmptyPath, StatxBasicStats, buf) == 0 && FromStatx(buf).IsDirectory;
    }

    /// <summary>The whole file, read on Linux with open(2) and read(2).</summary>
    public unsafe byte[] ReadAllBytes(string path)
    {
        // Not a FileStream, whose first use costs start-up time: the up-to-date check reads its snapshot here.
        if (!OperatingSystem.IsLinux()) return File.ReadAllBytes(FullPath(path));
        var full = FullPath(path);
        var fd = open(full, ORdonly | OCloexec);
        if (fd < 0) throw ErrorFor(full, "open", Marshal.GetLastPInvokeError());
        try
        {
            // Sized from the file, one byte over, so that a file of that size ends with one read returning 0.
            var buffer = new byte[(Stat(full)?.Size ?? 0) + 1];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                long n;
                fixed (byte* at = &buffer[length]) n = read(fd, at, buffer.Length - length);
                if (n > 0) length += (int)n;
                else if (n == 0) return length == buffer.Length ? buffer : buffer[..length];
                else if (Marshal.GetLastPInvokeError() is var errno && errno != Eintr) throw ErrorFor(full, "read", errno);
            }
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>
    /// The names in a directory (files and subdirectories, without . and ..), unsorted: readdir(3) on Linux.
    /// </summary>
    public static unsafe List<string> Names(string directory)
    {
        // Not .NET's directory enumeration, whose first use costs start-up time: the up-to-date check lists the
        // program's directory here.
        if (!OperatingSystem.IsLinux())
            return [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>()];
        var dir = opendir(directory);
        if (dir == 0) throw ErrorFor(directory, "list", Marshal.GetLastPInvokeError());
        try
        {
            var names = new List<string>();
            for (var entry = readdir(dir); entry != null; entry = readdir(dir))
            {
                // struct dirent on Linux (glibc and musl, 64-bit): d_ino, d_off, d_reclen, d_type, then d_name at byte 19.
                var name = Marshal.PtrToStringUTF8((nint)(entry + 19))!;
                if (name is not ("." or "..")) names.Add(name);
            }
            return names;
        }
        finally
        {
            closedir(dir);
        }
    }

    private static IOException ErrorFor(string full, string call, int errno) => errno == Enoent
        ? new FileNotFoundException($"Could not find file '{full}'.", full)
        : new IOException($"Cannot {call} '{full}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");

    // Parents are created when the first attempt finds them missing, not before every call: a cold build creates,
    // appends to and renames several files per task, and a mkdir plus a stat before each was a tenth of its syscalls.
    public Stream Create(string path) => WithParent(FullPath(path), full => OpenFile(full, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16));

    public Stream Append(string path) => WithParent(FullPath(path), full => OpenFile(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite));

    private static T WithParent<T>(string full, Func<string, T> open) where T : class
    {
        try
        {
            return open(full);
        }
        // .NET tells a missing directory from a missing file by looking again after the open failed: when another
        // thread creates the directory in between (two tasks' first logs), a missing parent says FileNotFound.
        catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            return open(full);
        }
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(FullPath(path));

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var full = FullPath(directory);
        if (!Directory.Exists(full)) return [];
        var files = Directory.EnumerateFiles(full, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(full, f).Replace('\\', '/'))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    public IReadOnlyList<string> Glob(string pattern)
    {
        var regex = GlobPattern.ToRegex(pattern);
        var rootDir = GlobPattern.LiteralRoot(pattern);
        var prefix = rootDir.Length == 0 ? "" : rootDir + "/";
        return ListFiles(rootDir).Select(f => prefix + f).Where(p => regex.IsMatch(p)).ToList();
    }

    public void Replace(string source, string destination)
    {
        var src = FullPath(source);
        var dst = FullPath(destination);
        if (!Directory.Exists(src))
        {
            // rename(2), atomic on one file system, called directly: File.Move stats both paths first. When it
            // fails (no parent yet, a directory in the way, another file system), the general path below handles it.
            if (OperatingSystem.IsLinux() && renameat2(AtFdCwd, src, AtFdCwd, dst, 0) == 0) return;
            Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            if (Directory.Exists(dst)) Directory.Delete(dst, recursive: true); // a file replaces an old directory output
            File.Move(src, dst, overwrite: true); // also says which path is missing, if one is
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
        if (!Directory.Exists(dst) && !File.Exists(dst))
        {
            Directory.Move(src, dst);
            return;
        }
        if (OperatingSystem.IsLinux() && renameat2(AtFdCwd, src, AtFdCwd, dst, RenameExchange) == 0)
        {
            Delete(src); // now holds the old tree
            return;
        }
        // No atomic exchange here (old kernel or a file system without it): move the old tree aside first.
        // A crash in between leaves the output missing, which the next build sees and rebuilds.
        var aside = dst + ".databuild-old-" + Environment.ProcessId;
        if (File.Exists(dst)) File.Move(dst, aside); else Directory.Move(dst, aside);
        Directory.Move(src, dst);
        Delete(aside);
    }

    public void Delete(string path)
    {
        var full = FullPath(path);
        if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
        else if (File.Exists(full)) File.Delete(full);
    }

    private static FileStat? StatPortable(string full)
    {
        if (Directory.Exists(full)) return new FileStat(true, 0, 0, 0, 0);
        var info = new FileInfo(full);
        if (!info.Exists) return null;
        var mtimeNs = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
        return new FileStat(false, info.Length, mtimeNs, mtimeNs, 0);
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;
    private const uint StatxBasicStats = 0x7ff;
    private const int Eperm = 1, Enoent = 2, Eintr = 4, Ewouldblock = 11, Eacces = 13, Enotdir = 20, Eisdir = 21, AtEmptyPath = 0x1000;

    private static unsafe FileStat? StatLinux(int rootFd, string path, string root)
    {
        if (path.Length == 0) path = ".";
        if (rootFd == StatRootFallback) (rootFd, path) = (AtFdCwd, Path.Combine(root, path));
        // struct statx is 256 bytes with the same layout on every Linux architecture.
        byte* buf = stackalloc byte[256];
        if (statx(rootFd, path, 0, StatxBasicStats, buf) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is Enoent or Enotdir) return null;
            throw new IOException($"Cannot stat '{Path.Combine(root, path)}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
        }
        return FromStatx(buf);
    }

    private static unsafe FileStat FromStatx(byte* buf)
    {
        var mode = *(ushort*)(buf + 28);
        var inode = *(long*)(buf + 32);
        var size = *(long*)(buf + 40);
        var ctimeNs = *(long*)(buf + 96) * 1_000_000_000 + *(uint*)(buf + 104);
        var mtimeNs = *(long*)(buf + 112) * 1_000_000_000 + *(uint*)(buf + 120);
        var isDir = (mode & 0xF000) == 0x4000;
        return new FileStat(isDir, isDir ? 0 : size, mtimeNs, ctimeNs, inode);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint opendir(string path);

    [LibraryImport("libc")]
    private static unsafe partial byte* readdir(nint dir);

    [LibraryImport("libc")]
    private static partial int closedir(nint dir);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static unsafe partial int statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int olddirfd, string oldpath, int newdirfd, string newpath, uint flags);
}

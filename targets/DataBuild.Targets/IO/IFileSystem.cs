namespace DataBuild.IO;

/// <summary>
/// Every file system access of the engine. Paths are relative to the workspace root (or absolute).
/// The real one is <see cref="RealFileSystem"/>; tests use InMemoryFileSystem (tests/DataBuild.Testing, outside the
/// production assemblies).
/// </summary>
public interface IFileSystem
{
    /// <summary>The stat of <paramref name="path"/>, following symlinks, or null when it does not exist.</summary>
    FileStat? Stat(string path);

    /// <summary>
    /// <see cref="Stat(string)"/> of a NUL-terminated UTF-8 path (the terminator included in the span): checking
    /// hundreds of thousands of recorded paths needs no string per path.
    /// </summary>
    FileStat? Stat(ReadOnlySpan<byte> utf8PathWithNul) => Stat(System.Text.Encoding.UTF8.GetString(utf8PathWithNul[..^1]));

    Stream OpenRead(string path);

    /// <summary>A whole file's bytes.</summary>
    byte[] ReadAllBytes(string path)
    {
        using var stream = OpenRead(path);
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    /// <summary>Creates or truncates a file, creating its parent directories.</summary>
    Stream Create(string path);

    /// <summary>Opens a file for appending (logs), creating it and its parent directories.</summary>
    Stream Append(string path);

    void CreateDirectory(string path);

    /// <summary>Files under a directory, recursively, as paths relative to it with '/' separators, sorted ordinally.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>Paths (relative to the root) matching a glob with '*', '?' and '**'.</summary>
    IReadOnlyList<string> Glob(string pattern);

    /// <summary>Atomically puts <paramref name="source"/> at <paramref name="destination"/>, replacing a file or directory there.</summary>
    void Replace(string source, string destination);

    /// <summary>Deletes a file or a directory tree; no error when absent.</summary>
    void Delete(string path);

    string FullPath(string path);
}

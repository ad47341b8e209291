namespace DataBuild.Products.Parquet;

/// <summary>
/// A Parquet file is malformed or uses a feature this codec does not read. Always names the file
/// and the byte offset where the problem was found, so a corrupt product can be located and rebuilt.
/// </summary>
public sealed class ParquetFormatException : Exception
{
    public ParquetFormatException(string path, long offset, string problem, Exception? inner = null)
        : base($"{path}: {problem} (at byte offset {offset})", inner)
    {
        Path = path;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file (or in-memory source name) that failed to read.</summary>
    public string Path { get; }

    /// <summary>Byte offset in the file of the structure that failed (a page header, the footer, ...).</summary>
    public long Offset { get; }

    /// <summary>The problem without the path and offset decoration.</summary>
    public string Problem { get; }
}

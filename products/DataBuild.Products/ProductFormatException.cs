namespace DataBuild.Products;

/// <summary>
/// A file that cannot be read as the product asked for: not Parquet, truncated, or without a needed column. An
/// <see cref="IOException"/>, so a build reports it as a failed read of that file, by its message alone.
/// </summary>
public sealed class ProductFormatException(string path, string problem, Exception? inner = null)
    : IOException($"{path}: {problem}", inner)
{
    /// <summary>The file that could not be read.</summary>
    public string Path { get; } = path;
}

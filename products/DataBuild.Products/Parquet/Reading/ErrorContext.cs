namespace DataBuild.Products.Parquet.Reading;

/// <summary>
/// Where a decoder is working (file, byte offset of the enclosing structure, column), so that
/// low-level decoders can raise a <see cref="ParquetFormatException"/> a person can act on.
/// </summary>
internal readonly record struct ErrorContext(string Path, long Offset, string? Column = null)
{
    public ParquetFormatException Fail(string problem) =>
        new(Path, Offset, Column is null ? problem : $"column '{Column}': {problem}");

    public ParquetFormatException Unsupported(string feature) =>
        Fail($"{feature} is not supported by this codec; rewrite the file without it (for example with DuckDB: COPY ... (FORMAT parquet, COMPRESSION snappy))");

    public ErrorContext At(long offset) => this with { Offset = offset };
}

namespace DataBuild.Products.Parquet;

/// <summary>One column chunk of a row group, as described by the footer.</summary>
public sealed record ParquetColumnChunkInfo(
    ParquetColumn Column,
    ParquetCompression Compression,
    IReadOnlyList<ParquetEncoding> Encodings,
    long ValueCount,
    long CompressedSize,
    long UncompressedSize,
    long FileOffset,
    ParquetStatistics? Statistics);

/// <summary>One row group as described by the footer.</summary>
public sealed record ParquetRowGroupInfo(int Index, long RowCount, IReadOnlyList<ParquetColumnChunkInfo> Columns)
{
    public long CompressedSize => Columns.Sum(c => c.CompressedSize);
    public long UncompressedSize => Columns.Sum(c => c.UncompressedSize);
}

/// <summary>Everything the footer says about a file; reading it touches no data page.</summary>
public sealed record ParquetMetadata(
    string Path,
    long FileLength,
    int Version,
    string? CreatedBy,
    ParquetSchema Schema,
    long RowCount,
    IReadOnlyList<ParquetRowGroupInfo> RowGroups,
    IReadOnlyList<KeyValuePair<string, string?>> KeyValueMetadata)
{
    /// <summary>The value of a key-value metadata entry (the last one if repeated), or null.</summary>
    public string? GetMetadata(string key) =>
        KeyValueMetadata.LastOrDefault(kv => kv.Key == key).Value;
}

namespace DataBuild.Products.Parquet;

/// <summary>Which columns the writer dictionary-encodes.</summary>
public enum ParquetDictionaryMode
{
    None,
    /// <summary>Strings and binary (the default): catalogs repeat band names, field ids and labels.</summary>
    StringsOnly,
    All,
}

/// <summary>
/// Options for <see cref="ParquetFileWriter"/>. Output is a pure function of the rows, the schema,
/// these options and the key-value metadata: no clock, host or random value enters the file.
/// </summary>
public sealed record ParquetWriteOptions
{
    public static ParquetWriteOptions Default { get; } = new();

    public ParquetCompression Compression { get; init; } = ParquetCompression.Snappy;

    public ParquetDictionaryMode Dictionary { get; init; } = ParquetDictionaryMode.StringsOnly;

    /// <summary>Rows per row group when <see cref="ParquetFileWriter.Write(string, ParquetSchema, IReadOnlyList{ParquetColumnData}, ParquetWriteOptions?, IEnumerable{KeyValuePair{string, string}}?)"/> splits the rows.</summary>
    public int RowGroupSize { get; init; } = 1_000_000;

    /// <summary>Target uncompressed size of a data page.</summary>
    public int DataPageSize { get; init; } = 1 << 20;

    /// <summary>A dictionary larger than this (PLAIN bytes) makes the column chunk fall back to PLAIN.</summary>
    public int DictionaryPageSizeLimit { get; init; } = 1 << 20;

    /// <summary>Written to the footer's created_by; deliberately carries no build or time stamp.</summary>
    public string CreatedBy { get; init; } = "DataBuild.Products.Parquet version 1.0.0";
}

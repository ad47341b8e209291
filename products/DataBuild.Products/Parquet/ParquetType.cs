namespace DataBuild.Products.Parquet;

/// <summary>
/// The value type a column holds, as a user of the codec sees it: a physical type plus the
/// logical annotation that matters for reading it. The writer writes the first seven.
/// </summary>
public enum ParquetType
{
    Boolean,
    Int32,
    Int64,
    Float,
    Double,
    /// <summary>BYTE_ARRAY annotated STRING/UTF8 (also ENUM and JSON): read as <see cref="string"/>.</summary>
    String,
    /// <summary>INT64 TIMESTAMP; the writer uses microseconds, UTC. Read as <see cref="DateTime"/> or raw <see cref="long"/>.</summary>
    Timestamp,
    /// <summary>BYTE_ARRAY without a string annotation: read as <c>byte[]</c>.</summary>
    Binary,
    /// <summary>INT32 DATE (days since 1970-01-01): read as <see cref="DateOnly"/> or raw <see cref="int"/>.</summary>
    Date,
    /// <summary>FIXED_LEN_BYTE_ARRAY (UUID, decimals, ...): read as <c>byte[]</c>.</summary>
    FixedLenByteArray,
    /// <summary>Legacy INT96 timestamps (Spark, Impala): read as <see cref="DateTime"/>.</summary>
    Int96Timestamp,
}

/// <summary>Unit of an INT64 timestamp column.</summary>
public enum ParquetTimeUnit
{
    Millis,
    Micros,
    Nanos,
}

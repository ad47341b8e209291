namespace DataBuild.Products.Parquet;

/// <summary>
/// One leaf column of a flat schema. Build with <c>new ParquetColumn("ra", ParquetType.Double)</c>
/// for writing; the reader fills in the physical details it found in the file.
/// </summary>
public sealed record ParquetColumn
{
    public ParquetColumn(string name, ParquetType type, bool nullable = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Type = type;
        Nullable = nullable;
        PhysicalType = type switch
        {
            ParquetType.Boolean => ParquetPhysicalType.Boolean,
            ParquetType.Int32 or ParquetType.Date => ParquetPhysicalType.Int32,
            ParquetType.Int64 or ParquetType.Timestamp => ParquetPhysicalType.Int64,
            ParquetType.Float => ParquetPhysicalType.Float,
            ParquetType.Double => ParquetPhysicalType.Double,
            ParquetType.String or ParquetType.Binary => ParquetPhysicalType.ByteArray,
            ParquetType.FixedLenByteArray => ParquetPhysicalType.FixedLenByteArray,
            ParquetType.Int96Timestamp => ParquetPhysicalType.Int96,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown Parquet type"),
        };
        TimeUnit = type == ParquetType.Timestamp ? ParquetTimeUnit.Micros : null;
    }

    /// <summary>Column name; for columns inside groups, the dotted path.</summary>
    public string Name { get; }

    public ParquetType Type { get; }

    /// <summary>True when the column may hold nulls (repetition OPTIONAL).</summary>
    public bool Nullable { get; }

    public ParquetPhysicalType PhysicalType { get; init; }

    /// <summary>Unit of a <see cref="ParquetType.Timestamp"/> column.</summary>
    public ParquetTimeUnit? TimeUnit { get; init; }

    /// <summary>Whether a timestamp is UTC-normalised (isAdjustedToUTC).</summary>
    public bool TimestampIsUtc { get; init; } = true;

    /// <summary>Byte width of FIXED_LEN_BYTE_ARRAY values.</summary>
    public int? TypeLength { get; init; }

    /// <summary>The logical annotation as written in the file (for <c>inspect</c>), e.g. "STRING", "TIMESTAMP(MICROS, UTC)".</summary>
    public string? LogicalType { get; init; }

    /// <summary>
    /// Set when the column sits inside a repeated field or a group (lists, maps, structs): this
    /// codec reads flat columns only, and says so when such a column is read.
    /// </summary>
    public string? UnsupportedReason { get; init; }

    public override string ToString() =>
        $"{Name}: {Type}{(Nullable ? " (nullable)" : "")}";
}

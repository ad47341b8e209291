namespace DataBuild.Products.Parquet;

/// <summary>
/// Column chunk statistics from the footer. <see cref="Min"/> and <see cref="Max"/> are decoded to
/// the column's value type (int, long, float, double, bool, string, DateTime, byte[]) or null when
/// the file did not record them or recorded them in an order this codec cannot trust.
/// </summary>
public sealed record ParquetStatistics(object? Min, object? Max, long? NullCount, long? DistinctCount);

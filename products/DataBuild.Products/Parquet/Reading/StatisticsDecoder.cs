using System.Buffers.Binary;
using System.Text;
using DataBuild.Products.Parquet.Format;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>Decodes PLAIN-encoded min/max statistics into values of the column's type.</summary>
internal static class StatisticsDecoder
{
    public static ParquetStatistics? Decode(Statistics? raw, ParquetColumn column)
    {
        if (raw is null)
            return null;
        // The deprecated min/max used signed byte order, which is wrong for strings; trust it only for numbers.
        bool legacyUsable = column.PhysicalType is not (ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray);
        byte[]? min = raw.MinValue ?? (legacyUsable ? raw.Min : null);
        byte[]? max = raw.MaxValue ?? (legacyUsable ? raw.Max : null);
        return new ParquetStatistics(Value(min, column), Value(max, column), raw.NullCount, raw.DistinctCount);
    }

    public static object? Value(byte[]? bytes, ParquetColumn column)
    {
        try
        {
            return bytes is null ? null : Decode(bytes, column);
        }
        catch (ArgumentOutOfRangeException)
        {
            return bytes; // a bound outside the .NET type's range: keep the raw bytes rather than fail the footer
        }
    }

    private static object? Decode(byte[] bytes, ParquetColumn column)
    {
        return (column.PhysicalType, bytes.Length) switch
        {
            (ParquetPhysicalType.Boolean, >= 1) => bytes[0] != 0,
            (ParquetPhysicalType.Int32, 4) when column.Type == ParquetType.Date => DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + BinaryPrimitives.ReadInt32LittleEndian(bytes)),
            (ParquetPhysicalType.Int32, 4) => BinaryPrimitives.ReadInt32LittleEndian(bytes),
            (ParquetPhysicalType.Int64, 8) when column.Type == ParquetType.Timestamp => Timestamps.TryToDateTime(BinaryPrimitives.ReadInt64LittleEndian(bytes), column.TimeUnit),
            (ParquetPhysicalType.Int64, 8) => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            (ParquetPhysicalType.Float, 4) => BinaryPrimitives.ReadSingleLittleEndian(bytes),
            (ParquetPhysicalType.Double, 8) => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            (ParquetPhysicalType.ByteArray, _) when column.Type == ParquetType.String => Encoding.UTF8.GetString(bytes),
            (ParquetPhysicalType.ByteArray or ParquetPhysicalType.FixedLenByteArray or ParquetPhysicalType.Int96, _) => bytes,
            _ => null,
        };
    }
}

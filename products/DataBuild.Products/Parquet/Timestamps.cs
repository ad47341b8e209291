namespace DataBuild.Products.Parquet;

/// <summary>Conversions between INT64 timestamps and <see cref="DateTime"/> (UTC).</summary>
public static class Timestamps
{
    public static long ToMicros(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    }

    public static DateTime FromMicros(long micros) => FromUnit(micros, ParquetTimeUnit.Micros);

    public static DateTime FromUnit(long value, ParquetTimeUnit? unit)
    {
        long ticks = unit switch
        {
            ParquetTimeUnit.Millis => checked(value * TimeSpan.TicksPerMillisecond),
            ParquetTimeUnit.Nanos => value / 100,
            _ => checked(value * 10),
        };
        return new DateTime(checked(DateTime.UnixEpoch.Ticks + ticks), DateTimeKind.Utc);
    }

    internal static object? TryToDateTime(long value, ParquetTimeUnit? unit)
    {
        try
        {
            return FromUnit(value, unit);
        }
        catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
        {
            return value; // outside DateTime's range: show the raw number rather than fail footer reading
        }
    }
}

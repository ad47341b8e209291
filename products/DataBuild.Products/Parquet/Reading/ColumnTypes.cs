namespace DataBuild.Products.Parquet.Reading;

/// <summary>Which .NET types a column can be read as, and the decoder and conversion for each.</summary>
internal static class ColumnTypes
{
    public static Type NaturalType(ParquetColumn column) => column.Type switch
    {
        ParquetType.Boolean => typeof(bool),
        ParquetType.Int32 => typeof(int),
        ParquetType.Int64 => typeof(long),
        ParquetType.Float => typeof(float),
        ParquetType.Double => typeof(double),
        ParquetType.String => typeof(string),
        ParquetType.Timestamp or ParquetType.Int96Timestamp => typeof(DateTime),
        ParquetType.Date => typeof(DateOnly),
        _ => typeof(byte[]),
    };

    /// <summary>Reads the chunk, or returns null when <paramref name="requested"/> does not fit the column.</summary>
    public static ParquetColumnData Read(IParquetSource source, ParquetColumnChunkInfo chunk, long rows, Type requested)
    {
        var column = chunk.Column;
        switch (column.PhysicalType)
        {
            case ParquetPhysicalType.Boolean when requested == typeof(bool):
                return ColumnChunkReader.Read(source, chunk, rows, BooleanDecoder.Instance);
            case ParquetPhysicalType.Int32 when requested == typeof(int):
                return ColumnChunkReader.Read(source, chunk, rows, FixedWidthDecoder<int>.Instance);
            case ParquetPhysicalType.Int32 when requested == typeof(DateOnly) && column.Type == ParquetType.Date:
                return Convert(ColumnChunkReader.Read(source, chunk, rows, FixedWidthDecoder<int>.Instance),
                    static days => DateOnly.FromDayNumber(checked(EpochDay + days)), source, chunk);
            case ParquetPhysicalType.Int64 when requested == typeof(long):
                return ColumnChunkReader.Read(source, chunk, rows, FixedWidthDecoder<long>.Instance);
            case ParquetPhysicalType.Int64 when requested == typeof(DateTime) && column.Type == ParquetType.Timestamp:
                var unit = column.TimeUnit;
                return Convert(ColumnChunkReader.Read(source, chunk, rows, FixedWidthDecoder<long>.Instance),
                    value => Timestamps.FromUnit(value, unit), source, chunk);
            case ParquetPhysicalType.Float when requested == typeof(float):
                return ColumnChunkReader.Read(source, chunk, rows, FixedWidthDecoder<float>.Instance);
            case ParquetPhysicalType.Double when requested == typeof(double):
                return ColumnChunkReader.Read(source, chunk, rows, FixedWidthDecoder<double>.Instance);
            case ParquetPhysicalType.ByteArray when requested == typeof(string):
                return ColumnChunkReader.Read(source, chunk, rows, ByteArrayDecoder<string>.Strings);
            case ParquetPhysicalType.ByteArray when requested == typeof(byte[]):
                return ColumnChunkReader.Read(source, chunk, rows, ByteArrayDecoder<byte[]>.Bytes);
            case ParquetPhysicalType.FixedLenByteArray when requested == typeof(byte[]):
                return ColumnChunkReader.Read(source, chunk, rows, new FixedLenByteArrayDecoder(column.TypeLength ?? 0));
            case ParquetPhysicalType.Int96 when requested == typeof(DateTime):
                return ColumnChunkReader.Read(source, chunk, rows, Int96Decoder.Instance);
            default:
                throw new InvalidOperationException(
                    $"Column '{column.Name}' is {column.Type}; read it as {NaturalType(column).Name}, not {requested.Name}.");
        }
    }

    private static readonly int EpochDay = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    private static ParquetColumnData<TOut> Convert<TIn, TOut>(ParquetColumnData<TIn> data, Func<TIn, TOut> convert, IParquetSource source, ParquetColumnChunkInfo chunk)
    {
        var output = new TOut[data.Count];
        for (int i = 0; i < output.Length; i++)
        {
            if (data.IsNull(i))
                continue;
            try
            {
                output[i] = convert(data.Values[i]);
            }
            catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
            {
                throw new ErrorContext(source.Name, chunk.FileOffset, chunk.Column.Name)
                    .Fail($"value {data.Values[i]} in row {i} is outside the range of {typeof(TOut).Name}; read the column as {typeof(TIn).Name} instead");
            }
        }
        return new ParquetColumnData<TOut>(output, data.Nulls);
    }
}

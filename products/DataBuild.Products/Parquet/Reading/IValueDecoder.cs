namespace DataBuild.Products.Parquet.Reading;

/// <summary>Turns encoded page bytes into values of one physical type.</summary>
internal interface IValueDecoder<T>
{
    /// <summary>Decodes a dictionary page (PLAIN values).</summary>
    T[] DecodeDictionary(ReadOnlySpan<byte> data, int count, ErrorContext context);

    /// <summary>Decodes exactly <c>destination.Length</c> non-null values of a data page.</summary>
    void Decode(ParquetEncoding encoding, ReadOnlySpan<byte> data, Span<T> destination, T[]? dictionary, ErrorContext context);
}

namespace DataBuild.Products.Parquet.Reading;

/// <summary>
/// Bounds that keep corrupt or hostile files from causing huge allocations. Byte lengths are
/// bounded by the file; decompressed sizes by the codec's maximum expansion; value counts by what
/// the metadata and the page bytes can plausibly hold.
/// </summary>
internal static class ReadLimits
{
    /// <summary>
    /// A run-length encoded page can describe many values in few bytes (an all-null page is a
    /// single RLE run), so the bound is generous, but it stops a flipped varint from asking for
    /// billions of values out of a ten-byte page.
    /// </summary>
    public const long MaxValuesPerPageByte = 1 << 14;

    public static long MaxValuesInPage(int pageBytes) => (pageBytes + 64L) * MaxValuesPerPageByte;

    /// <summary>The largest decompressed size a codec can produce from <paramref name="compressed"/> bytes.</summary>
    public static long MaxDecompressedSize(ParquetCompression codec, long compressed) => codec switch
    {
        ParquetCompression.Uncompressed => compressed,
        // A 3-byte snappy copy emits at most 64 bytes.
        ParquetCompression.Snappy => compressed * 22 + 64,
        // DEFLATE's maximum expansion is about 1032:1.
        ParquetCompression.Gzip => compressed * 1040 + 1024,
        _ => compressed * 4096 + 1024,
    };
}

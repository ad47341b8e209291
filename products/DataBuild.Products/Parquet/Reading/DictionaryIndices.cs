using System.Buffers;
using DataBuild.Products.Parquet.Encodings;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>RLE_DICTIONARY / PLAIN_DICTIONARY data: one bit-width byte, then hybrid-encoded indices.</summary>
internal static class DictionaryIndices
{
    public static void Lookup<T>(ReadOnlySpan<byte> data, T[]? dictionary, Span<T> destination, ErrorContext context)
    {
        if (destination.IsEmpty)
            return;
        if (dictionary is null)
            throw context.Fail("a dictionary-encoded data page comes before any dictionary page");
        if (data.IsEmpty)
            throw context.Fail("dictionary-encoded page has no bit-width byte");
        var decoder = new RleBitPackedDecoder(data.Slice(1), data[0], context);
        int[] indices = ArrayPool<int>.Shared.Rent(Math.Min(destination.Length, 4096));
        try
        {
            for (int done = 0; done < destination.Length;)
            {
                var batch = indices.AsSpan(0, Math.Min(indices.Length, destination.Length - done));
                decoder.Read(batch);
                var target = destination.Slice(done, batch.Length);
                for (int i = 0; i < batch.Length; i++)
                {
                    int index = batch[i];
                    if ((uint)index >= (uint)dictionary.Length)
                        throw context.Fail($"dictionary index {index} is outside the {dictionary.Length}-entry dictionary");
                    target[i] = dictionary[index];
                }
                done += batch.Length;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(indices);
        }
    }

    public static bool IsDictionary(ParquetEncoding encoding) =>
        encoding is ParquetEncoding.RleDictionary or ParquetEncoding.PlainDictionary;
}

using DataBuild.Products.Parquet.Format;
using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>A page header and where its body starts within the column chunk buffer.</summary>
internal readonly record struct PageRef(PageHeader Header, int HeaderOffset, int BodyOffset);

/// <summary>
/// Walks the page headers of a column chunk without decoding bodies, checking every size against
/// the chunk and the codec's maximum expansion, and that the data pages add up to the row count.
/// Only after this do we allocate the row group's value arrays.
/// </summary>
internal static class PageScanner
{
    public static List<PageRef> Scan(ReadOnlySpan<byte> chunk, long chunkStart, long rowCount, ParquetCompression codec, ErrorContext context)
    {
        var pages = new List<PageRef>();
        long values = 0;
        int pos = 0;
        bool sawDictionary = false, sawData = false;
        while (values < rowCount)
        {
            var at = context.At(chunkStart + pos);
            if (pos >= chunk.Length)
                throw at.Fail($"column chunk ends after {values} of {rowCount} values");
            var reader = new CompactReader(chunk.Slice(pos), at);
            var header = PageHeader.Read(ref reader);
            int bodyOffset = pos + reader.Position;
            Validate(header, chunk.Length - bodyOffset, rowCount - values, codec, at);
            switch (header.Type)
            {
                case PageType.DictionaryPage:
                    if (sawDictionary || sawData)
                        throw at.Fail("a dictionary page must be the first page of its column chunk, and appear once");
                    sawDictionary = true;
                    break;
                case PageType.DataPage or PageType.DataPageV2:
                    sawData = true;
                    values += header.NumValues;
                    break;
            }
            pages.Add(new PageRef(header, pos, bodyOffset));
            pos = bodyOffset + header.CompressedSize;
        }
        return pages;
    }

    private static void Validate(PageHeader h, int bytesLeft, long valuesLeft, ParquetCompression codec, ErrorContext at)
    {
        if (!Enum.IsDefined(h.Type))
            throw at.Fail($"unknown page type {(int)h.Type}");
        if (h.CompressedSize < 0 || h.CompressedSize > bytesLeft)
            throw at.Fail($"page size {h.CompressedSize} runs past the {bytesLeft} bytes left in the column chunk");
        if (h.Type == PageType.IndexPage)
            return;
        if (!h.HasTypeHeader)
            throw at.Fail($"{h.Type} header is missing its type-specific header");
        long levels = 0;
        if (h.Type == PageType.DataPageV2)
        {
            levels = (long)h.DefinitionLevelsByteLength + h.RepetitionLevelsByteLength;
            if (h.DefinitionLevelsByteLength < 0 || h.RepetitionLevelsByteLength < 0 || levels > h.CompressedSize)
                throw at.Fail($"v2 page level lengths ({h.RepetitionLevelsByteLength} + {h.DefinitionLevelsByteLength}) exceed the page size {h.CompressedSize}");
            if (h.NumNulls < 0 || h.NumNulls > h.NumValues)
                throw at.Fail($"v2 page claims {h.NumNulls} nulls among {h.NumValues} values");
        }
        var effective = h.Type == PageType.DataPageV2 && !h.IsCompressed ? ParquetCompression.Uncompressed : codec;
        long maxSize = levels + ReadLimits.MaxDecompressedSize(effective, h.CompressedSize - levels);
        if (h.UncompressedSize < 0 || h.UncompressedSize > maxSize || (effective == ParquetCompression.Uncompressed && h.UncompressedSize != h.CompressedSize))
            throw at.Fail($"uncompressed page size {h.UncompressedSize} is impossible for {h.CompressedSize} {effective} bytes");
        if (h.NumValues < 0 || h.NumValues > ReadLimits.MaxValuesInPage(Math.Max(h.CompressedSize, h.UncompressedSize)))
            throw at.Fail($"page claims {h.NumValues} values, implausible for {h.UncompressedSize} bytes");
        if (h.Type != PageType.DictionaryPage && h.NumValues > valuesLeft)
            throw at.Fail($"page holds {h.NumValues} values but only {valuesLeft} rows remain in the row group");
    }
}

using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Format;

internal enum PageType { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 }

/// <summary>
/// parquet.thrift <c>PageHeader</c> with its data, dictionary and v2 headers flattened into one
/// object; only the fields for <see cref="Type"/> are meaningful.
/// </summary>
internal sealed class PageHeader
{
    public PageType Type;
    public int UncompressedSize = -1;
    public int CompressedSize = -1;
    public int NumValues = -1;
    public ParquetEncoding Encoding;
    public ParquetEncoding DefinitionLevelEncoding = ParquetEncoding.Rle;
    public ParquetEncoding RepetitionLevelEncoding = ParquetEncoding.Rle;
    public bool HasTypeHeader;
    // v2 only
    public int NumNulls;
    public int NumRows;
    public int DefinitionLevelsByteLength;
    public int RepetitionLevelsByteLength;
    public bool IsCompressed = true;

    public static PageHeader Read(ref CompactReader r)
    {
        var h = new PageHeader();
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: h.Type = (PageType)r.ReadI32(); break;
                case 2 when t == CompactType.I32: h.UncompressedSize = r.ReadI32(); break;
                case 3 when t == CompactType.I32: h.CompressedSize = r.ReadI32(); break;
                case 5 when t == CompactType.Struct: h.ReadDataPageHeader(ref r); break;
                case 7 when t == CompactType.Struct: h.ReadDictionaryPageHeader(ref r); break;
                case 8 when t == CompactType.Struct: h.ReadDataPageHeaderV2(ref r); break;
                default: r.Skip(t); break;
            }
        }
        return h;
    }

    private void ReadDataPageHeader(ref CompactReader r)
    {
        HasTypeHeader = true;
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: NumValues = r.ReadI32(); break;
                case 2 when t == CompactType.I32: Encoding = (ParquetEncoding)r.ReadI32(); break;
                case 3 when t == CompactType.I32: DefinitionLevelEncoding = (ParquetEncoding)r.ReadI32(); break;
                case 4 when t == CompactType.I32: RepetitionLevelEncoding = (ParquetEncoding)r.ReadI32(); break;
                default: r.Skip(t); break;
            }
        }
    }

    private void ReadDictionaryPageHeader(ref CompactReader r)
    {
        HasTypeHeader = true;
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: NumValues = r.ReadI32(); break;
                case 2 when t == CompactType.I32: Encoding = (ParquetEncoding)r.ReadI32(); break;
                default: r.Skip(t); break;
            }
        }
    }

    private void ReadDataPageHeaderV2(ref CompactReader r)
    {
        HasTypeHeader = true;
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: NumValues = r.ReadI32(); break;
                case 2 when t == CompactType.I32: NumNulls = r.ReadI32(); break;
                case 3 when t == CompactType.I32: NumRows = r.ReadI32(); break;
                case 4 when t == CompactType.I32: Encoding = (ParquetEncoding)r.ReadI32(); break;
                case 5 when t == CompactType.I32: DefinitionLevelsByteLength = r.ReadI32(); break;
                case 6 when t == CompactType.I32: RepetitionLevelsByteLength = r.ReadI32(); break;
                case 7 when t is CompactType.BooleanTrue or CompactType.BooleanFalse: IsCompressed = CompactReader.BoolFromFieldType(t); break;
                default: r.Skip(t); break;
            }
        }
    }

    /// <summary>Writes a v1 data page or dictionary page header (the only pages this codec writes).</summary>
    public void Write(CompactWriter w)
    {
        w.BeginStruct();
        w.FieldI32(1, (int)Type);
        w.FieldI32(2, UncompressedSize);
        w.FieldI32(3, CompressedSize);
        if (Type == PageType.DictionaryPage)
        {
            w.FieldStructBegin(7);
            w.FieldI32(1, NumValues);
            w.FieldI32(2, (int)Encoding);
            w.EndStruct();
        }
        else
        {
            w.FieldStructBegin(5);
            w.FieldI32(1, NumValues);
            w.FieldI32(2, (int)Encoding);
            w.FieldI32(3, (int)DefinitionLevelEncoding);
            w.FieldI32(4, (int)RepetitionLevelEncoding);
            w.EndStruct();
        }
        w.EndStruct();
    }
}

using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Format;

/// <summary>parquet.thrift <c>ColumnChunk</c> and its <c>ColumnMetaData</c>, flattened.</summary>
internal sealed class ColumnChunkMeta
{
    public string? FilePath;
    public bool HasMetaData;
    public ParquetPhysicalType Type;
    public List<ParquetEncoding> Encodings = [];
    public List<string> PathInSchema = [];
    public ParquetCompression Codec;
    public long NumValues = -1;
    public long TotalUncompressedSize = -1;
    public long TotalCompressedSize = -1;
    public long DataPageOffset = -1;
    public long? DictionaryPageOffset;
    public Statistics? Statistics;

    /// <summary>Where the chunk's first page starts: the dictionary page when there is one.</summary>
    public long FirstPageOffset =>
        DictionaryPageOffset is { } dict && dict > 0 && dict < DataPageOffset ? dict : DataPageOffset;

    public static ColumnChunkMeta Read(ref CompactReader r)
    {
        var c = new ColumnChunkMeta();
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.Binary: c.FilePath = r.ReadString(); break;
                case 3 when t == CompactType.Struct: c.ReadMetaData(ref r); break;
                default: r.Skip(t); break;
            }
        }
        return c;
    }

    private void ReadMetaData(ref CompactReader r)
    {
        HasMetaData = true;
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: Type = (ParquetPhysicalType)r.ReadI32(); break;
                case 2 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et != CompactType.I32) { r.Skip(et); continue; }
                        Encodings.Add((ParquetEncoding)r.ReadI32());
                    }
                    break;
                }
                case 3 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et != CompactType.Binary) { r.Skip(et); continue; }
                        PathInSchema.Add(r.ReadString());
                    }
                    break;
                }
                case 4 when t == CompactType.I32: Codec = (ParquetCompression)r.ReadI32(); break;
                case 5 when t == CompactType.I64: NumValues = r.ReadI64(); break;
                case 6 when t == CompactType.I64: TotalUncompressedSize = r.ReadI64(); break;
                case 7 when t == CompactType.I64: TotalCompressedSize = r.ReadI64(); break;
                case 9 when t == CompactType.I64: DataPageOffset = r.ReadI64(); break;
                case 11 when t == CompactType.I64: DictionaryPageOffset = r.ReadI64(); break;
                case 12 when t == CompactType.Struct: Statistics = Statistics.Read(ref r); break;
                default: r.Skip(t); break;
            }
        }
    }

    public void Write(CompactWriter w)
    {
        w.BeginStruct();
        w.FieldI64(2, FirstPageOffset); // deprecated file_offset; writers set it to the chunk start
        w.FieldStructBegin(3);
        w.FieldI32(1, (int)Type);
        w.FieldListBegin(2, CompactType.I32, Encodings.Count);
        foreach (var e in Encodings) w.ElementI32((int)e);
        w.FieldListBegin(3, CompactType.Binary, PathInSchema.Count);
        foreach (var p in PathInSchema) w.ElementString(p);
        w.FieldI32(4, (int)Codec);
        w.FieldI64(5, NumValues);
        w.FieldI64(6, TotalUncompressedSize);
        w.FieldI64(7, TotalCompressedSize);
        w.FieldI64(9, DataPageOffset);
        if (DictionaryPageOffset is { } dict) w.FieldI64(11, dict);
        if (Statistics is not null)
        {
            w.FieldStructBegin(12);
            Statistics.WriteFields(w);
            w.EndStruct();
        }
        w.EndStruct();
        w.EndStruct();
    }
}

using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Format;

/// <summary>parquet.thrift <c>RowGroup</c>.</summary>
internal sealed class RowGroupMeta
{
    public List<ColumnChunkMeta> Columns = [];
    public long TotalByteSize;
    public long NumRows = -1;
    public long? TotalCompressedSize;

    public static RowGroupMeta Read(ref CompactReader r)
    {
        var g = new RowGroupMeta();
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et != CompactType.Struct) throw r.Corrupt("row group columns must be structs");
                        g.Columns.Add(ColumnChunkMeta.Read(ref r));
                    }
                    break;
                }
                case 2 when t == CompactType.I64: g.TotalByteSize = r.ReadI64(); break;
                case 3 when t == CompactType.I64: g.NumRows = r.ReadI64(); break;
                case 6 when t == CompactType.I64: g.TotalCompressedSize = r.ReadI64(); break;
                default: r.Skip(t); break;
            }
        }
        return g;
    }

    public void Write(CompactWriter w, short ordinal)
    {
        w.BeginStruct();
        w.FieldListBegin(1, CompactType.Struct, Columns.Count);
        foreach (var c in Columns) c.Write(w);
        w.FieldI64(2, TotalByteSize);
        w.FieldI64(3, NumRows);
        if (Columns.Count > 0) w.FieldI64(5, Columns[0].FirstPageOffset);
        if (TotalCompressedSize is { } compressed) w.FieldI64(6, compressed);
        w.FieldI32(7, ordinal); // i16 on the wire uses the same zigzag varint as i32
        w.EndStruct();
    }
}

/// <summary>parquet.thrift <c>FileMetaData</c>: the footer.</summary>
internal sealed class FileMetaData
{
    public int Version;
    public List<SchemaElement> Schema = [];
    public long NumRows = -1;
    public List<RowGroupMeta> RowGroups = [];
    public List<KeyValuePair<string, string?>> KeyValues = [];
    public string? CreatedBy;

    public static FileMetaData Read(ref CompactReader r)
    {
        var m = new FileMetaData();
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: m.Version = r.ReadI32(); break;
                case 2 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et != CompactType.Struct) throw r.Corrupt("schema elements must be structs");
                        m.Schema.Add(SchemaElement.Read(ref r));
                    }
                    break;
                }
                case 3 when t == CompactType.I64: m.NumRows = r.ReadI64(); break;
                case 4 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et != CompactType.Struct) throw r.Corrupt("row groups must be structs");
                        m.RowGroups.Add(RowGroupMeta.Read(ref r));
                    }
                    break;
                }
                case 5 when t == CompactType.List:
                {
                    int n = r.ReadListHeader(out byte et);
                    for (int i = 0; i < n; i++)
                    {
                        if (et != CompactType.Struct) throw r.Corrupt("key-value metadata entries must be structs");
                        m.KeyValues.Add(ReadKeyValue(ref r));
                    }
                    break;
                }
                case 6 when t == CompactType.Binary: m.CreatedBy = r.ReadString(); break;
                default: r.Skip(t); break;
            }
        }
        return m;
    }

    private static KeyValuePair<string, string?> ReadKeyValue(ref CompactReader r)
    {
        string key = "";
        string? value = null;
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            if (id == 1 && t == CompactType.Binary) key = r.ReadString();
            else if (id == 2 && t == CompactType.Binary) value = r.ReadString();
            else r.Skip(t);
        }
        return new(key, value);
    }

    public void Write(CompactWriter w)
    {
        w.BeginStruct();
        w.FieldI32(1, Version);
        w.FieldListBegin(2, CompactType.Struct, Schema.Count);
        foreach (var e in Schema) e.Write(w);
        w.FieldI64(3, NumRows);
        w.FieldListBegin(4, CompactType.Struct, RowGroups.Count);
        for (int i = 0; i < RowGroups.Count; i++) RowGroups[i].Write(w, (short)i);
        if (KeyValues.Count > 0)
        {
            w.FieldListBegin(5, CompactType.Struct, KeyValues.Count);
            foreach (var (key, value) in KeyValues)
            {
                w.BeginStruct();
                w.FieldString(1, key);
                if (value is not null) w.FieldString(2, value);
                w.EndStruct();
            }
        }
        if (CreatedBy is not null) w.FieldString(6, CreatedBy);
        // column_orders: TYPE_ORDER for every leaf, so readers trust min_value/max_value.
        int leaves = Schema.Count - 1;
        w.FieldListBegin(7, CompactType.Struct, leaves);
        for (int i = 0; i < leaves; i++)
        {
            w.BeginStruct();
            w.FieldStructBegin(1);
            w.EndStruct();
            w.EndStruct();
        }
        w.EndStruct();
    }
}

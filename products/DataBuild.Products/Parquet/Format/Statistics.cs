using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Format;

/// <summary>parquet.thrift <c>Statistics</c>: bounds are PLAIN-encoded bytes (no length prefix for byte arrays).</summary>
internal sealed class Statistics
{
    public byte[]? Max;
    public byte[]? Min;
    public long? NullCount;
    public long? DistinctCount;
    public byte[]? MaxValue;
    public byte[]? MinValue;

    public static Statistics Read(ref CompactReader r)
    {
        var s = new Statistics();
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.Binary: s.Max = r.ReadBinary(); break;
                case 2 when t == CompactType.Binary: s.Min = r.ReadBinary(); break;
                case 3 when t == CompactType.I64: s.NullCount = r.ReadI64(); break;
                case 4 when t == CompactType.I64: s.DistinctCount = r.ReadI64(); break;
                case 5 when t == CompactType.Binary: s.MaxValue = r.ReadBinary(); break;
                case 6 when t == CompactType.Binary: s.MinValue = r.ReadBinary(); break;
                default: r.Skip(t); break;
            }
        }
        return s;
    }

    /// <summary>Writes the fields of an already opened struct.</summary>
    public void WriteFields(CompactWriter w)
    {
        if (NullCount is { } nulls) w.FieldI64(3, nulls);
        if (MaxValue is not null) w.FieldBinary(5, MaxValue);
        if (MinValue is not null) w.FieldBinary(6, MinValue);
    }
}

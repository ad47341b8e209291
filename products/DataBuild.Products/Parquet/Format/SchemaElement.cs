using DataBuild.Products.Parquet.Thrift;

namespace DataBuild.Products.Parquet.Format;

/// <summary>The logical annotation of a schema element, reduced to what this codec interprets.</summary>
internal enum LogicalKind { None, String, Enum, Json, Timestamp, Date, Time, Integer, Decimal, Uuid, Other }

/// <summary>parquet.thrift <c>SchemaElement</c>, with <c>LogicalType</c> flattened into a few fields.</summary>
internal sealed class SchemaElement
{
    public ParquetPhysicalType? Type;
    public int? TypeLength;
    public ParquetRepetition? Repetition;
    public string Name = "";
    public int? NumChildren;
    public int? ConvertedType;
    public int? Scale;
    public int? Precision;
    public int? FieldId;
    public LogicalKind Logical;
    public ParquetTimeUnit? TimeUnit;
    public bool? IsAdjustedToUtc;

    public static SchemaElement Read(ref CompactReader r)
    {
        var e = new SchemaElement();
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            switch (id)
            {
                case 1 when t == CompactType.I32: e.Type = (ParquetPhysicalType)r.ReadI32(); break;
                case 2 when t == CompactType.I32: e.TypeLength = r.ReadI32(); break;
                case 3 when t == CompactType.I32: e.Repetition = (ParquetRepetition)r.ReadI32(); break;
                case 4 when t == CompactType.Binary: e.Name = r.ReadString(); break;
                case 5 when t == CompactType.I32: e.NumChildren = r.ReadI32(); break;
                case 6 when t == CompactType.I32: e.ConvertedType = r.ReadI32(); break;
                case 7 when t == CompactType.I32: e.Scale = r.ReadI32(); break;
                case 8 when t == CompactType.I32: e.Precision = r.ReadI32(); break;
                case 9 when t == CompactType.I32: e.FieldId = r.ReadI32(); break;
                case 10 when t == CompactType.Struct: ReadLogicalType(ref r, e); break;
                default: r.Skip(t); break;
            }
        }
        return e;
    }

    // LogicalType is a union: exactly one field is set, each an (often empty) struct.
    private static void ReadLogicalType(ref CompactReader r, SchemaElement e)
    {
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            if (t != CompactType.Struct)
            {
                r.Skip(t);
                continue;
            }
            switch (id)
            {
                case 1: e.Logical = LogicalKind.String; r.Skip(t); break;
                case 4: e.Logical = LogicalKind.Enum; r.Skip(t); break;
                case 5: e.Logical = LogicalKind.Decimal; r.Skip(t); break;
                case 6: e.Logical = LogicalKind.Date; r.Skip(t); break;
                case 7: e.Logical = LogicalKind.Time; ReadTimeType(ref r, e); break;
                case 8: e.Logical = LogicalKind.Timestamp; ReadTimeType(ref r, e); break;
                case 10: e.Logical = LogicalKind.Integer; r.Skip(t); break;
                case 12: e.Logical = LogicalKind.Json; r.Skip(t); break;
                case 14: e.Logical = LogicalKind.Uuid; r.Skip(t); break;
                default: e.Logical = LogicalKind.Other; r.Skip(t); break;
            }
        }
    }

    // TimestampType and TimeType share their layout: isAdjustedToUTC, then a TimeUnit union.
    private static void ReadTimeType(ref CompactReader r, SchemaElement e)
    {
        short id = 0;
        while (r.ReadFieldHeader(ref id, out byte t))
        {
            if (id == 1 && t is CompactType.BooleanTrue or CompactType.BooleanFalse)
                e.IsAdjustedToUtc = CompactReader.BoolFromFieldType(t);
            else if (id == 2 && t == CompactType.Struct)
            {
                short unitId = 0;
                while (r.ReadFieldHeader(ref unitId, out byte ut))
                {
                    e.TimeUnit = unitId switch { 1 => ParquetTimeUnit.Millis, 2 => ParquetTimeUnit.Micros, 3 => ParquetTimeUnit.Nanos, _ => e.TimeUnit };
                    r.Skip(ut);
                }
            }
            else
                r.Skip(t);
        }
    }

    public void Write(CompactWriter w)
    {
        w.BeginStruct();
        if (Type is { } type) w.FieldI32(1, (int)type);
        if (TypeLength is { } length) w.FieldI32(2, length);
        if (Repetition is { } repetition) w.FieldI32(3, (int)repetition);
        w.FieldString(4, Name);
        if (NumChildren is { } children) w.FieldI32(5, children);
        if (ConvertedType is { } converted) w.FieldI32(6, converted);
        switch (Logical)
        {
            case LogicalKind.String:
                w.FieldStructBegin(10);
                w.FieldStructBegin(1);
                w.EndStruct();
                w.EndStruct();
                break;
            case LogicalKind.Timestamp:
                w.FieldStructBegin(10);
                w.FieldStructBegin(8);
                w.FieldBool(1, IsAdjustedToUtc ?? true);
                w.FieldStructBegin(2);
                w.FieldStructBegin((short)(TimeUnit switch { ParquetTimeUnit.Millis => 1, ParquetTimeUnit.Nanos => 3, _ => 2 }));
                w.EndStruct();
                w.EndStruct();
                w.EndStruct();
                w.EndStruct();
                break;
        }
        w.EndStruct();
    }
}

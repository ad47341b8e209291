using System.Buffers;
using System.Text;

namespace DataBuild.Products.Parquet.Thrift;

/// <summary>
/// Writes the Thrift compact protocol. Callers open and close structs explicitly; the writer keeps
/// the last field id of each open struct so field headers can use the short delta form.
/// </summary>
internal sealed class CompactWriter
{
    private readonly ArrayBufferWriter<byte> _output = new();
    private readonly Stack<short> _openStructs = new();
    private short _lastFieldId;

    public ReadOnlySpan<byte> WrittenSpan => _output.WrittenSpan;

    public void Clear()
    {
        _output.Clear();
        _openStructs.Clear();
        _lastFieldId = 0;
    }

    public void BeginStruct()
    {
        _openStructs.Push(_lastFieldId);
        _lastFieldId = 0;
    }

    public void EndStruct()
    {
        WriteByte(CompactType.Stop);
        _lastFieldId = _openStructs.Pop();
    }

    public void FieldI32(short id, int value)
    {
        FieldHeader(id, CompactType.I32);
        Varint(ZigZag(value));
    }

    public void FieldI64(short id, long value)
    {
        FieldHeader(id, CompactType.I64);
        Varint(ZigZag(value));
    }

    public void FieldBool(short id, bool value) =>
        FieldHeader(id, value ? CompactType.BooleanTrue : CompactType.BooleanFalse);

    public void FieldBinary(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, CompactType.Binary);
        Binary(value);
    }

    public void FieldString(short id, string value)
    {
        FieldHeader(id, CompactType.Binary);
        Binary(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Writes a struct field header; follow with <see cref="BeginStruct"/> ... <see cref="EndStruct"/>.</summary>
    public void FieldStructBegin(short id)
    {
        FieldHeader(id, CompactType.Struct);
        BeginStruct();
    }

    public void FieldListBegin(short id, byte elementType, int count)
    {
        FieldHeader(id, CompactType.List);
        ListHeader(elementType, count);
    }

    public void ListHeader(byte elementType, int count)
    {
        if (count < 15)
            WriteByte((byte)((count << 4) | elementType));
        else
        {
            WriteByte((byte)(0xF0 | elementType));
            Varint((uint)count);
        }
    }

    public void ElementI32(int value) => Varint(ZigZag(value));

    public void ElementString(string value) => Binary(Encoding.UTF8.GetBytes(value));

    private void FieldHeader(short id, byte type)
    {
        int delta = id - _lastFieldId;
        if (delta is > 0 and <= 15)
            WriteByte((byte)((delta << 4) | type));
        else
        {
            WriteByte(type);
            Varint(ZigZag(id));
        }
        _lastFieldId = id;
    }

    private void Binary(ReadOnlySpan<byte> value)
    {
        Varint((uint)value.Length);
        value.CopyTo(_output.GetSpan(value.Length));
        _output.Advance(value.Length);
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    private void Varint(ulong value)
    {
        var span = _output.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        _output.Advance(n);
    }

    private static uint ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

}

using System.Text;
using DataBuild.Products.Parquet.Reading;

namespace DataBuild.Products.Parquet.Thrift;

/// <summary>
/// Reads the Thrift compact protocol from a span. Every length and count is checked against the
/// bytes that remain, so a corrupt header can never make us allocate more than the input holds.
/// </summary>
internal ref struct CompactReader
{
    // Deep nesting only happens in corrupt input; a fixed limit keeps Skip from overflowing the stack.
    private const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly ErrorContext _context;
    private int _position;
    private int _depth;

    public CompactReader(ReadOnlySpan<byte> buffer, ErrorContext context)
    {
        _buffer = buffer;
        _context = context;
    }

    /// <summary>Bytes consumed so far (the size of a page header, for example).</summary>
    public readonly int Position => _position;

    public ParquetFormatException Corrupt(string what) =>
        _context.Fail($"corrupt Thrift metadata: {what} at byte {_position} of the structure");

    /// <summary>Reads the next field header; false at the struct's stop byte.</summary>
    public bool ReadFieldHeader(ref short lastFieldId, out byte type)
    {
        byte header = ReadByte();
        type = (byte)(header & 0x0F);
        if (type == CompactType.Stop)
            return false;
        int delta = header >> 4;
        if (delta != 0)
        {
            lastFieldId = (short)(lastFieldId + delta);
            return true;
        }
        int id = ZigZag32(ReadVarint32());
        if (id is < short.MinValue or > short.MaxValue)
            throw Corrupt($"field id {id} is outside the 16-bit range");
        lastFieldId = (short)id;
        return true;
    }

    public static bool BoolFromFieldType(byte type) => type == CompactType.BooleanTrue;

    public byte ReadByte()
    {
        if (_position >= _buffer.Length)
            throw Corrupt("unexpected end of data");
        return _buffer[_position++];
    }

    public int ReadI32() => ZigZag32(ReadVarint32());

    public long ReadI64() => ZigZag64(ReadVarint64());

    public double ReadDouble()
    {
        Need(8);
        double value = BitConverter.ToDouble(_buffer.Slice(_position, 8));
        _position += 8;
        return value;
    }

    public ReadOnlySpan<byte> ReadBinarySpan()
    {
        uint length = ReadVarint32();
        if (length > (uint)(_buffer.Length - _position))
            throw Corrupt($"binary length {length} runs past the {_buffer.Length - _position} bytes that remain");
        var span = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return span;
    }

    public byte[] ReadBinary() => ReadBinarySpan().ToArray();

    public string ReadString()
    {
        var bytes = ReadBinarySpan();
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads a list header; the count is bounded by the remaining bytes (every element takes at least one).</summary>
    public int ReadListHeader(out byte elementType)
    {
        byte header = ReadByte();
        elementType = (byte)(header & 0x0F);
        uint count = (uint)(header >> 4);
        if (count == 15)
            count = ReadVarint32();
        if (count > (uint)(_buffer.Length - _position))
            throw Corrupt($"list of {count} elements cannot fit in the {_buffer.Length - _position} bytes that remain");
        return (int)count;
    }

    /// <summary>Skips a value of the given type, including nested structs, lists and maps.</summary>
    public void Skip(byte type)
    {
        if (++_depth > MaxDepth)
            throw Corrupt("nesting deeper than any Parquet structure");
        switch (type)
        {
            case CompactType.BooleanTrue or CompactType.BooleanFalse:
                break;
            case CompactType.Byte:
                ReadByte();
                break;
            case CompactType.I16 or CompactType.I32:
                ReadVarint32();
                break;
            case CompactType.I64:
                ReadVarint64();
                break;
            case CompactType.Double:
                Need(8);
                _position += 8;
                break;
            case CompactType.Binary:
                ReadBinarySpan();
                break;
            case CompactType.List or CompactType.Set:
            {
                int count = ReadListHeader(out byte elementType);
                for (int i = 0; i < count; i++)
                {
                    // Booleans inside a list are one byte each, not encoded in a type nibble.
                    if (elementType is CompactType.BooleanTrue or CompactType.BooleanFalse)
                        ReadByte();
                    else
                        Skip(elementType);
                }
                break;
            }
            case CompactType.Map:
            {
                uint count = ReadVarint32();
                if (count > 0)
                {
                    if (count > (uint)(_buffer.Length - _position))
                        throw Corrupt($"map of {count} entries cannot fit in the remaining bytes");
                    byte kinds = ReadByte();
                    for (uint i = 0; i < count; i++)
                    {
                        Skip((byte)(kinds >> 4));
                        Skip((byte)(kinds & 0x0F));
                    }
                }
                break;
            }
            case CompactType.Struct:
            {
                short last = 0;
                while (ReadFieldHeader(ref last, out byte fieldType))
                    Skip(fieldType);
                break;
            }
            default:
                throw Corrupt($"unknown Thrift type {type}");
        }
        _depth--;
    }

    private void Need(int count)
    {
        if (_buffer.Length - _position < count)
            throw Corrupt("unexpected end of data");
    }

    private uint ReadVarint32()
    {
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = ReadByte();
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw Corrupt("varint longer than 5 bytes");
    }

    private ulong ReadVarint64()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw Corrupt("varint longer than 10 bytes");
    }

    private static int ZigZag32(uint n) => (int)(n >> 1) ^ -(int)(n & 1);

    private static long ZigZag64(ulong n) => (long)(n >> 1) ^ -(long)(n & 1);
}

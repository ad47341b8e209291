using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace DataBuild.Products.Parquet.Writing;

/// <summary>How the writer encodes, compares and measures values of one physical type.</summary>
internal interface IPhysical<T> where T : notnull
{
    ParquetPhysicalType Type { get; }
    IEqualityComparer<T> Comparer { get; }
    void WritePlain(ReadOnlySpan<T> values, IBufferWriter<byte> output);
    int PlainSize(T value);
    /// <summary>Ordering for statistics; false for values statistics must skip (NaN).</summary>
    bool Orderable(T value);
    int Compare(T a, T b);
    byte[] StatisticsBytes(T value, bool isMin);
}

internal sealed class FixedPhysical<T>(ParquetPhysicalType type) : IPhysical<T> where T : unmanaged, IComparable<T>
{
    public static readonly FixedPhysical<int> Int32 = new(ParquetPhysicalType.Int32);
    public static readonly FixedPhysical<long> Int64 = new(ParquetPhysicalType.Int64);
    public static readonly FixedPhysical<float> Float = new(ParquetPhysicalType.Float);
    public static readonly FixedPhysical<double> Double = new(ParquetPhysicalType.Double);

    public ParquetPhysicalType Type => type;
    public IEqualityComparer<T> Comparer => EqualityComparer<T>.Default;

    public void WritePlain(ReadOnlySpan<T> values, IBufferWriter<byte> output)
    {
        var bytes = MemoryMarshal.AsBytes(values);
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }

    public int PlainSize(T value) => Marshal.SizeOf<T>();

    // typeof(T) checks are constants per instantiation, so the JIT drops the boxing casts.
    public bool Orderable(T value) =>
        typeof(T) == typeof(double) ? !double.IsNaN((double)(object)value)
        : typeof(T) != typeof(float) || !float.IsNaN((float)(object)value);

    public int Compare(T a, T b) => a.CompareTo(b);

    public byte[] StatisticsBytes(T value, bool isMin)
    {
        // parquet.thrift: a zero minimum is written as -0.0 and a zero maximum as +0.0.
        object normalised = value switch
        {
            float f when f == 0 => isMin ? -0.0f : 0.0f,
            double d when d == 0 => isMin ? -0.0 : 0.0,
            _ => value,
        };
        var v = (T)normalised;
        return MemoryMarshal.AsBytes(MemoryMarshal.CreateReadOnlySpan(ref v, 1)).ToArray();
    }
}

internal sealed class BooleanPhysical : IPhysical<bool>
{
    public static readonly BooleanPhysical Instance = new();

    public ParquetPhysicalType Type => ParquetPhysicalType.Boolean;
    public IEqualityComparer<bool> Comparer => EqualityComparer<bool>.Default;

    public void WritePlain(ReadOnlySpan<bool> values, IBufferWriter<byte> output)
    {
        int bytes = (values.Length + 7) / 8;
        var span = output.GetSpan(bytes).Slice(0, bytes);
        span.Clear();
        for (int i = 0; i < values.Length; i++)
            if (values[i])
                span[i >> 3] |= (byte)(1 << (i & 7));
        output.Advance(bytes);
    }

    public int PlainSize(bool value) => 1;
    public bool Orderable(bool value) => true;
    public int Compare(bool a, bool b) => a.CompareTo(b);
    public byte[] StatisticsBytes(bool value, bool isMin) => [value ? (byte)1 : (byte)0];
}

internal sealed class ByteArrayPhysical : IPhysical<byte[]>
{
    public static readonly ByteArrayPhysical Instance = new();

    public ParquetPhysicalType Type => ParquetPhysicalType.ByteArray;
    public IEqualityComparer<byte[]> Comparer { get; } = new BytesComparer();

    public void WritePlain(ReadOnlySpan<byte[]> values, IBufferWriter<byte> output)
    {
        foreach (var value in values)
        {
            var span = output.GetSpan(4 + value.Length);
            BinaryPrimitives.WriteInt32LittleEndian(span, value.Length);
            value.CopyTo(span.Slice(4));
            output.Advance(4 + value.Length);
        }
    }

    public int PlainSize(byte[] value) => 4 + value.Length;
    public bool Orderable(byte[] value) => true;
    // Unsigned byte-wise order: what parquet.thrift prescribes for UTF-8 strings.
    public int Compare(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);
    public byte[] StatisticsBytes(byte[] value, bool isMin) => value;

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}

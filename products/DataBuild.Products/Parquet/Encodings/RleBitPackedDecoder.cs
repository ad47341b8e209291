using DataBuild.Products.Parquet.Reading;

namespace DataBuild.Products.Parquet.Encodings;

/// <summary>
/// Decodes the RLE / bit-packed hybrid (Encodings.md) used for definition levels, dictionary
/// indices and RLE booleans. Never reads past its input and never produces more values than asked.
/// </summary>
internal ref struct RleBitPackedDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _bitWidth;
    private readonly ErrorContext _context;
    private int _position;
    private long _repeatRemaining;
    private int _repeatValue;
    private int _packedStart;
    private long _packedIndex;
    private long _packedCount;

    public RleBitPackedDecoder(ReadOnlySpan<byte> data, int bitWidth, ErrorContext context)
    {
        if (bitWidth is < 0 or > 32)
            throw context.Fail($"bit width {bitWidth} is outside 0..32");
        _data = data;
        _bitWidth = bitWidth;
        _context = context;
    }

    /// <summary>Fills <paramref name="destination"/> completely, or throws if the data ends first.</summary>
    public void Read(Span<int> destination)
    {
        int filled = 0;
        while (filled < destination.Length)
        {
            if (_repeatRemaining > 0)
            {
                int n = (int)Math.Min(_repeatRemaining, destination.Length - filled);
                destination.Slice(filled, n).Fill(_repeatValue);
                _repeatRemaining -= n;
                filled += n;
            }
            else if (_packedIndex < _packedCount)
            {
                int n = (int)Math.Min(_packedCount - _packedIndex, destination.Length - filled);
                BitPacking.Unpack32(_data.Slice(_packedStart), _bitWidth, _packedIndex, destination.Slice(filled, n));
                _packedIndex += n;
                filled += n;
            }
            else if (!NextRun())
                throw _context.Fail($"RLE/bit-packed data ended after {filled} of {destination.Length} values");
        }
    }

    private bool NextRun()
    {
        if (_position >= _data.Length)
            return false;
        ulong header = ReadVarint();
        if ((header & 1) == 0)
        {
            _repeatRemaining = (long)(header >> 1);
            int width = (_bitWidth + 7) / 8;
            if (_data.Length - _position < width)
                throw _context.Fail("RLE run value runs past the end of its data");
            int value = 0;
            for (int i = 0; i < width; i++)
                value |= _data[_position + i] << (8 * i);
            _position += width;
            if (_bitWidth < 32 && (uint)value >> _bitWidth != 0)
                throw _context.Fail($"RLE run value {value} does not fit in {_bitWidth} bits");
            _repeatValue = value;
        }
        else
        {
            long groups = (long)(header >> 1);
            long bytes = groups * _bitWidth;
            _packedStart = _position;
            _packedIndex = 0;
            // Some writers cut the last run short of a whole group; accept what the bytes hold.
            long available = _data.Length - _position;
            if (bytes > available)
            {
                bytes = available;
                _packedCount = _bitWidth == 0 ? groups * 8 : available * 8 / _bitWidth;
            }
            else
                _packedCount = groups * 8;
            _position += (int)bytes;
        }
        return true;
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
                throw _context.Fail("RLE run header runs past the end of its data");
            byte b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
                return result;
        }
        throw _context.Fail("RLE run header is not a valid varint");
    }
}

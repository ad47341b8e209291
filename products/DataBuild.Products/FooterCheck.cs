namespace DataBuild.Products;

/// <summary>
/// Checks that a Parquet footer is one well-formed Thrift compact-protocol struct that ends inside the footer, before
/// Parquet.Net parses it: Parquet.Net can loop forever on some damaged footers (a footer length pointing into the
/// middle of the real one), which would hang the node that reads the file instead of failing it. Walking the
/// encoding costs one pass over the footer's bytes and cannot loop: every element read consumes at least one byte.
/// </summary>
internal static class FooterCheck
{
    private const int MaxDepth = 64;

    /// <summary>Null when <paramref name="footer"/> holds one well-formed struct; otherwise what is wrong, for a message.</summary>
    public static string? Problem(ReadOnlySpan<byte> footer)
    {
        var at = 0;
        try
        {
            Struct(footer, ref at, 0);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    private static void Struct(ReadOnlySpan<byte> b, ref int at, int depth)
    {
        if (depth > MaxDepth) throw new FormatException($"structs nested more than {MaxDepth} deep");
        while (true)
        {
            var header = Byte(b, ref at);
            if (header == 0) return; // stop field
            var type = header & 0x0F;
            if (header >> 4 == 0) Varint(b, ref at); // a field id given in full rather than as a delta
            Value(b, ref at, type, depth);
        }
    }

    private static void Value(ReadOnlySpan<byte> b, ref int at, int type, int depth)
    {
        switch (type)
        {
            case 1 or 2: return; // a boolean field: the value is in the type
            case 3: Skip(b, ref at, 1); return;
            case 4 or 5 or 6: Varint(b, ref at); return;
            case 7: Skip(b, ref at, 8); return;
            case 8: Skip(b, ref at, Length(b, ref at)); return;
            case 9 or 10: // list, set
            {
                var header = Byte(b, ref at);
                long size = header >> 4;
                if (size == 15) size = Varint(b, ref at);
                var element = header & 0x0F;
                Fits(b, at, size, 1);
                for (long i = 0; i < size; i++) Element(b, ref at, element, depth);
                return;
            }
            case 11: // map
            {
                var size = Varint(b, ref at);
                if (size == 0) return;
                var kinds = Byte(b, ref at);
                Fits(b, at, size, 2);
                for (long i = 0; i < size; i++)
                {
                    Element(b, ref at, kinds >> 4, depth);
                    Element(b, ref at, kinds & 0x0F, depth);
                }
                return;
            }
            case 12: Struct(b, ref at, depth + 1); return;
            case 13: Skip(b, ref at, 16); return; // UUID
            default: throw new FormatException($"unknown Thrift type {type} at byte {at}");
        }
    }

    // Every element takes at least one byte, so a count past what is left is damage, found before looping on it.
    private static void Fits(ReadOnlySpan<byte> b, int at, long count, int valuesPerElement)
    {
        if (count < 0 || count > (b.Length - at) / valuesPerElement)
            throw new FormatException($"a collection of {count} elements in {b.Length - at} bytes");
    }

    private static void Element(ReadOnlySpan<byte> b, ref int at, int type, int depth)
    {
        if (type is 1 or 2) Skip(b, ref at, 1); // booleans in a collection take a byte each
        else if (type == 0) throw new FormatException($"a collection of stop fields at byte {at}");
        else Value(b, ref at, type, depth + 1);
    }

    private static int Length(ReadOnlySpan<byte> b, ref int at)
    {
        var length = Varint(b, ref at);
        if (length < 0 || length > b.Length - at) throw new FormatException($"a string of {length} bytes with {b.Length - at} left");
        return (int)length;
    }

    private static long Varint(ReadOnlySpan<byte> b, ref int at)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var x = Byte(b, ref at);
            result |= (ulong)(x & 0x7F) << shift;
            if ((x & 0x80) == 0) return (long)result;
        }
        throw new FormatException($"a number longer than 10 bytes at byte {at}");
    }

    private static byte Byte(ReadOnlySpan<byte> b, ref int at) =>
        at < b.Length ? b[at++] : throw new FormatException("it runs past its end");

    private static void Skip(ReadOnlySpan<byte> b, ref int at, int count)
    {
        if (count > b.Length - at) throw new FormatException("it runs past its end");
        at += count;
    }
}

using System.Runtime.InteropServices;
using System.Text;
using DataBuild.IO;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>
/// The witnesses of an up-to-date snapshot as flat arrays: a kind byte and four numbers each (size, mtime, ctime,
/// inode; or a listing hash), and one block of NUL-terminated UTF-8 paths. The up-to-date check re-stats every path
/// from it (200k at 100k partitions) without a string or an object per path.
/// </summary>
internal sealed class WitnessTable
{
    private const byte Absent = 0, File = 1, Directory = 2, Listing = 3, Glob = 4;

    private readonly byte[] _kinds;
    private readonly long[] _numbers;
    private readonly byte[] _paths;
    private readonly int[] _starts;

    private WitnessTable(byte[] kinds, long[] numbers, byte[] paths, int[] starts) => (_kinds, _numbers, _paths, _starts) = (kinds, numbers, paths, starts);

    public int Count => _kinds.Length;

    public static WitnessTable From(ICollection<Witness> witnesses)
    {
        var kinds = new byte[witnesses.Count];
        var numbers = new long[4 * witnesses.Count];
        var paths = new MemoryStream();
        var starts = new int[witnesses.Count];
        var i = 0;
        foreach (var w in witnesses)
        {
            starts[i] = (int)paths.Length;
            paths.Write(Encoding.UTF8.GetBytes(w.Path));
            paths.WriteByte(0);
            var n = numbers.AsSpan(4 * i, 4);
            switch (w.Kind)
            {
                case WitnessKind.Stat when w.Stat is { } s:
                    kinds[i] = s.IsDirectory ? Directory : File;
                    (n[0], n[1], n[2], n[3]) = (s.Size, s.MtimeNs, s.CtimeNs, s.Inode);
                    break;
                case WitnessKind.Stat:
                    kinds[i] = Absent;
                    break;
                default:
                    kinds[i] = w.Kind == WitnessKind.Listing ? Listing : Glob;
                    (n[0], n[1]) = ((long)w.Listing.High, (long)w.Listing.Low);
                    break;
            }
            i++;
        }
        return new WitnessTable(kinds, numbers, paths.ToArray(), starts);
    }

    public void Write(BinaryWriter o)
    {
        o.Write(_kinds.Length);
        o.Write(_kinds);
        o.Write(MemoryMarshal.AsBytes(_numbers.AsSpan()));
        o.Write(_paths.Length);
        o.Write(_paths);
    }

    public static WitnessTable Read(BinaryReader r)
    {
        var count = r.ReadInt32();
        // Each witness takes 33 bytes or more: a damaged count must not allocate gigabytes before the read fails.
        if (count < 0 || 33L * count > r.BaseStream.Length) throw new FormatException("impossible witness count");
        var kinds = ReadExactly(r, count);
        var numbers = new long[4 * count];
        ReadNumbers(r.BaseStream, numbers);
        var paths = ReadExactly(r, r.ReadInt32());
        var starts = new int[count];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            starts[i] = at;
            var end = paths.AsSpan(at).IndexOf((byte)0);
            if (end < 0) throw new FormatException("truncated witness paths");
            at += end + 1;
        }
        return new WitnessTable(kinds, numbers, paths, starts);
    }

    /// <summary>Whether witnesses <paramref name="from"/> to <paramref name="to"/> (exclusive) still hold; stops at the first that does not.</summary>
    public bool Unchanged(IFileSystem fs, int from, int to)
    {
        for (var i = from; i < to; i++)
            if (!Holds(i, fs)) return false;
        return true;
    }

    /// <summary>Adds to <paramref name="changed"/> the witnesses from <paramref name="from"/> to <paramref name="to"/> (exclusive) that no longer hold.</summary>
    public void Changed(IFileSystem fs, int from, int to, List<int> changed)
    {
        for (var i = from; i < to; i++)
            if (!Holds(i, fs)) changed.Add(i);
    }

    /// <summary>The path (or pattern) of witness <paramref name="i"/>.</summary>
    public string PathAt(int i)
    {
        var end = i + 1 < Count ? _starts[i + 1] : _paths.Length;
        return Encoding.UTF8.GetString(_paths, _starts[i], end - _starts[i] - 1);
    }

    /// <summary>
    /// This table's witnesses but those in <paramref name="except"/>, those observed again (<paramref name="fresh"/>,
    /// which replace them) and those on <paramref name="untrusted"/> paths, then the fresh ones: the witnesses of a
    /// build that kept most verdicts, without a string per carried path.
    /// </summary>
    public WitnessTable Merge(HashSet<int> except, Dictionary<(WitnessKind, string), Witness> fresh, HashSet<string> untrusted)
    {
        var replaced = new HashSet<string>[3];
        for (var k = 0; k < replaced.Length; k++) replaced[k] = new HashSet<string>(untrusted, StringComparer.Ordinal);
        foreach (var (kind, path) in fresh.Keys) replaced[(int)kind].Add(path);
        var lookups = replaced.Select(r => r.GetAlternateLookup<ReadOnlySpan<char>>()).ToArray();
        var kinds = new List<byte>(Count + fresh.Count);
        var numbers = new List<long>(4 * (Count + fresh.Count));
        var paths = new MemoryStream(_paths.Length + 64 * fresh.Count);
        var starts = new List<int>(Count + fresh.Count);
        var chars = new char[256];
        for (var i = 0; i < Count; i++)
        {
            if (except.Contains(i)) continue;
            var end = i + 1 < Count ? _starts[i + 1] : _paths.Length;
            var bytes = _paths.AsSpan(_starts[i], end - _starts[i] - 1);
            if (chars.Length < bytes.Length) chars = new char[2 * bytes.Length];
            var path = chars.AsSpan(0, Encoding.UTF8.GetChars(bytes, chars));
            var kind = _kinds[i] switch { Listing => WitnessKind.Listing, Glob => WitnessKind.Glob, _ => WitnessKind.Stat };
            if (lookups[(int)kind].Contains(path)) continue;
            kinds.Add(_kinds[i]);
            for (var n = 0; n < 4; n++) numbers.Add(_numbers[4 * i + n]);
            starts.Add((int)paths.Length);
            paths.Write(_paths, _starts[i], end - _starts[i]);
        }
        var added = From(fresh.Values);
        for (var i = 0; i < added.Count; i++)
        {
            kinds.Add(added._kinds[i]);
            for (var n = 0; n < 4; n++) numbers.Add(added._numbers[4 * i + n]);
            starts.Add((int)paths.Length + added._starts[i]);
        }
        paths.Write(added._paths);
        return new WitnessTable([.. kinds], [.. numbers], paths.ToArray(), [.. starts]);
    }

    /// <summary>Whether every file witness but those in <paramref name="except"/> has whole-second timestamps (null: there is none).</summary>
    public bool? AllWholeSeconds(HashSet<int> except)
    {
        bool? all = null;
        for (var i = 0; i < Count; i++)
        {
            if (_kinds[i] != File || except.Contains(i)) continue;
            if (_numbers[4 * i + 1] % 1_000_000_000 != 0 || _numbers[4 * i + 2] % 1_000_000_000 != 0) return false;
            all = true;
        }
        return all;
    }

    private bool Holds(int i, IFileSystem fs)
    {
        var end = i + 1 < Count ? _starts[i + 1] : _paths.Length;
        var path = _paths.AsSpan(_starts[i], end - _starts[i]);
        var n = new ReadOnlySpan<long>(_numbers, 4 * i, 4); // not AsSpan<long>: a generic method, compiled at run time
        switch (_kinds[i])
        {
            case Absent:
                return fs.Stat(path) is null;
            case File:
            case Directory:
                return fs.Stat(path) is { } s && s.IsDirectory == (_kinds[i] == Directory)
                    && s.Size == n[0] && s.MtimeNs == n[1] && s.CtimeNs == n[2] && s.Inode == n[3];
            default:
                var text = Encoding.UTF8.GetString(path[..^1]);
                var listed = _kinds[i] == Listing ? fs.ListFiles(text) : fs.Glob(text);
                var hash = Witness.HashOf(listed);
                return (long)hash.High == n[0] && (long)hash.Low == n[1];
        }
    }

    private static unsafe void ReadNumbers(Stream stream, long[] numbers)
    {
        fixed (long* p = numbers) stream.ReadExactly(new Span<byte>(p, 8 * numbers.Length));
    }

    private static byte[] ReadExactly(BinaryReader r, int count)
    {
        if (count < 0 || count > r.BaseStream.Length) throw new FormatException("impossible length");
        var bytes = new byte[count];
        r.BaseStream.ReadExactly(bytes);
        return bytes;
    }
}

using System.Runtime.InteropServices;
using System.Text;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>
/// The witnesses of an up-to-date snapshot as flat arrays: a kind byte and four numbers each (size, mtime, ctime,
/// inode; or a listing hash), one block of NUL-terminated UTF-8 paths, and for files the content hash the build's
/// verdicts rest on, where it knows one. The up-to-date check re-stats every path from it (200k at 100k partitions)
/// without a string or an object per path.
/// </summary>
/// <remarks>
/// A file whose stat moved but whose content hash is the recorded one (touched, copied back) still holds, as it does
/// for a full check. A racy file, one whose timestamps were within a tick of the moment it was observed, could be
/// rewritten later without its stat changing (git's "racy clean"): it holds only while its content is the recorded
/// one, read every time, until a check finds it old enough to trust its stat again (<see cref="Refresh"/>).
/// </remarks>
internal sealed class WitnessTable
{
    private const byte Absent = 0, File = 1, Directory = 2, Listing = 3, Glob = 4, RacyFile = 5;

    private readonly byte[] _kinds;
    private readonly long[] _numbers;
    private readonly byte[] _paths;
    private readonly int[] _starts;
    private readonly Hash128[] _hashes;
    // Where the kinds start in the snapshot file this table was read from (-1: not read), so a refresh can patch it.
    private long _offset = -1;

    private WitnessTable(byte[] kinds, long[] numbers, byte[] paths, int[] starts, Hash128[] hashes) =>
        (_kinds, _numbers, _paths, _starts, _hashes) = (kinds, numbers, paths, starts, hashes);

    public int Count => _kinds.Length;

    /// <summary>The bytes <see cref="Write"/> writes.</summary>
    public long SerializedSize => 8 + 49L * Count + _paths.Length;

    /// <summary>A file's content as a build's verdicts rest on it: its hash, and whether its stat was too recent to trust.</summary>
    public readonly record struct Content(Hash128 Hash, bool Racy);

    /// <summary>
    /// The table of the witnesses a build observed, in the dictionary's order; <paramref name="contentOf"/> gives a
    /// file's content where known. (The dictionary's own enumerator: through an interface, a build that ran a task
    /// compiled one at run time.)
    /// </summary>
    public static WitnessTable From(Dictionary<(WitnessKind, string), Witness>.ValueCollection witnesses, Func<string, Content?>? contentOf = null)
    {
        var kinds = new byte[witnesses.Count];
        var numbers = new long[4 * witnesses.Count];
        var hashes = new Hash128[witnesses.Count];
        // The paths' block sized first and encoded in place: no array per path, nor a stream grown and copied out.
        var bytes = 0;
        foreach (var w in witnesses) bytes += Encoding.UTF8.GetByteCount(w.Path) + 1;
        var paths = new byte[bytes];
        var starts = new int[witnesses.Count];
        var (i, at) = (0, 0);
        foreach (var w in witnesses)
        {
            starts[i] = at;
            at += Encoding.UTF8.GetBytes(w.Path, paths.AsSpan(at));
            paths[at++] = 0;
            var n = numbers.AsSpan(4 * i, 4);
            switch (w.Kind)
            {
                case WitnessKind.Stat when w.Stat is { } s:
                    kinds[i] = s.IsDirectory ? Directory : File;
                    (n[0], n[1], n[2], n[3]) = (s.Size, s.MtimeNs, s.CtimeNs, s.Inode);
                    if (!s.IsDirectory && contentOf?.Invoke(w.Path) is { } content)
                    {
                        hashes[i] = content.Hash;
                        if (content.Racy) kinds[i] = RacyFile;
                    }
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
        return new WitnessTable(kinds, numbers, paths, starts, hashes);
    }

    public void Write(BinaryWriter o)
    {
        o.Write(_kinds.Length);
        o.Write(_kinds);
        o.Write(MemoryMarshal.AsBytes(_numbers.AsSpan()));
        o.Write(_paths.Length);
        o.Write(_paths);
        o.Write(MemoryMarshal.AsBytes(_hashes.AsSpan()));
    }

    public static WitnessTable Read(BinaryReader r)
    {
        var count = r.ReadInt32();
        // Each witness takes 49 bytes or more: a damaged count must not allocate gigabytes before the read fails.
        if (count < 0 || 49L * count > r.BaseStream.Length) throw new FormatException("impossible witness count");
        var offset = r.BaseStream.Position;
        var kinds = ReadExactly(r, count);
        foreach (var kind in kinds)
            if (kind > RacyFile) throw new FormatException("unknown witness kind");
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
        var hashes = new Hash128[count];
        ReadHashes(r.BaseStream, hashes);
        return new WitnessTable(kinds, numbers, paths, starts, hashes) { _offset = offset };
    }

    /// <summary>
    /// Adds to <paramref name="changed"/> the witnesses from <paramref name="from"/> to <paramref name="to"/> (exclusive)
    /// that no longer hold, and to <paramref name="moved"/> the files that hold by their content: their stat now.
    /// </summary>
    public void Changed(IFileSystem fs, int from, int to, List<int> changed, List<(int Index, FileStat Stat)> moved)
    {
        for (var i = from; i < to; i++)
        {
            var verdict = Holds(i, fs, out var now);
            if (verdict == Observed.Changed) changed.Add(i);
            else if (verdict == Observed.SameContent) moved.Add((i, now));
        }
    }

    /// <summary>
    /// Witness <paramref name="i"/>, a file that held by its content, re-observed with <paramref name="stat"/> at
    /// <paramref name="nowNs"/>: its stat is trusted from now on unless it is still within a tick of now. Returns
    /// whether that changed the table.
    /// </summary>
    public bool Refresh(int i, FileStat stat, long nowNs)
    {
        var kind = Racy(stat, nowNs) ? RacyFile : File;
        if (kind == _kinds[i] && StatIs(i, stat)) return false;
        _kinds[i] = kind;
        (_numbers[4 * i], _numbers[4 * i + 1], _numbers[4 * i + 2], _numbers[4 * i + 3]) = (stat.Size, stat.MtimeNs, stat.CtimeNs, stat.Inode);
        return true;
    }

    /// <summary>
    /// The snapshot file this table was read from (<paramref name="bytes"/>) with the table's refreshed kinds and
    /// stats written over the old ones; null when the table was not read from a file.
    /// </summary>
    public byte[]? Patch(byte[] bytes)
    {
        if (_offset < 0) return null;
        var patched = (byte[])bytes.Clone();
        _kinds.CopyTo(patched, _offset);
        MemoryMarshal.AsBytes(_numbers.AsSpan()).CopyTo(patched.AsSpan((int)_offset + _kinds.Length));
        UpToDateSnapshot.Seal(patched);
        return patched;
    }

    /// <summary>Whether a file's timestamps are within a tick of <paramref name="observedNs"/> (two seconds where they have whole seconds).</summary>
    public static bool Racy(FileStat stat, long observedNs)
    {
        var tick = (stat.MtimeNs % 1_000_000_000 == 0 && stat.CtimeNs % 1_000_000_000 == 0 ? UpToDateSnapshot.CoarseTick : UpToDateSnapshot.FineTick).Ticks * 100;
        return stat.MtimeNs >= observedNs - tick || stat.CtimeNs >= observedNs - tick;
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
    public Merged Merge(HashSet<int> except, Dictionary<(WitnessKind, string), Witness> fresh, HashSet<string> untrusted, Func<string, Content?>? contentOf = null)
    {
        var replaced = new HashSet<string>[3];
        for (var k = 0; k < replaced.Length; k++) replaced[k] = new HashSet<string>(untrusted, StringComparer.Ordinal);
        foreach (var (kind, path) in fresh.Keys) replaced[(int)kind].Add(path);
        // A carried path is decoded and looked up only when the hash of its bytes is a replaced path's: the few
        // replaced paths are hashed, not the many carried ones decoded.
        var hashed = new HashSet<ulong>();
        foreach (var set in replaced)
            foreach (var path in set) hashed.Add(System.IO.Hashing.XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(path)));
        var lookups = new HashSet<string>.AlternateLookup<ReadOnlySpan<char>>[replaced.Length];
        for (var k = 0; k < replaced.Length; k++) lookups[k] = replaced[k].GetAlternateLookup<ReadOnlySpan<char>>();
        var dropped = new List<int>();
        var droppedBytes = 0;
        for (var i = 0; i < Count; i++)
        {
            var end = i + 1 < Count ? _starts[i + 1] : _paths.Length;
            var bytes = _paths.AsSpan(_starts[i], end - _starts[i] - 1);
            if (!except.Contains(i))
            {
                if (!hashed.Contains(System.IO.Hashing.XxHash3.HashToUInt64(bytes))) continue;
                var kind = _kinds[i] switch { Listing => WitnessKind.Listing, Glob => WitnessKind.Glob, _ => WitnessKind.Stat };
                if (!lookups[(int)kind].Contains(Encoding.UTF8.GetString(bytes))) continue;
            }
            dropped.Add(i);
            droppedBytes += end - _starts[i];
        }
        var added = From(fresh.Values, contentOf);
        var runs = new List<Run>(dropped.Count + 2);
        var next = 0;
        foreach (var d in dropped)
        {
            if (d > next) runs.Add(new Run(this, next, d));
            next = d + 1;
        }
        if (Count > next) runs.Add(new Run(this, next, Count));
        if (added.Count > 0) runs.Add(new Run(added, 0, added.Count));
        return new Merged(runs, Count - dropped.Count + added.Count, _paths.Length - droppedBytes + added._paths.Length);
    }

    // Witnesses First..End (exclusive) of a table, and where their paths' bytes are.
    internal readonly record struct Run(WitnessTable Table, int First, int End)
    {
        public int Length => End - First;
        public int ByteStart => Table._starts[First];
        public int ByteEnd => End < Table.Count ? Table._starts[End] : Table._paths.Length;
    }

    /// <summary>
    /// The table <see cref="Merge"/> describes, as runs of the tables it comes from: written out run by run, as
    /// <see cref="Write"/> writes a table, without copying the carried witnesses into new arrays first.
    /// </summary>
    public sealed class Merged
    {
        private readonly List<Run> _runs;
        private readonly int _pathBytes;

        internal Merged(List<Run> runs, int count, int pathBytes) => (_runs, Count, _pathBytes) = (runs, count, pathBytes);

        public int Count { get; }

        /// <summary>What <see cref="WitnessTable.Write"/> writes for the merged table.</summary>
        public void Write(BinaryWriter o)
        {
            o.Write(Count);
            foreach (var r in _runs) o.Write(r.Table._kinds, r.First, r.Length);
            foreach (var r in _runs) o.Write(MemoryMarshal.AsBytes(r.Table._numbers.AsSpan(4 * r.First, 4 * r.Length)));
            o.Write(_pathBytes);
            foreach (var r in _runs) o.Write(r.Table._paths, r.ByteStart, r.ByteEnd - r.ByteStart);
            foreach (var r in _runs) o.Write(MemoryMarshal.AsBytes(r.Table._hashes.AsSpan(r.First, r.Length)));
        }

        /// <summary>The merged table in arrays of its own.</summary>
        public WitnessTable ToTable()
        {
            var (kinds, numbers, hashes, starts) = (new byte[Count], new long[4 * Count], new Hash128[Count], new int[Count]);
            var paths = new byte[_pathBytes];
            var (to, toByte) = (0, 0);
            foreach (var r in _runs)
            {
                var from = r.Table;
                Array.Copy(from._kinds, r.First, kinds, to, r.Length);
                Array.Copy(from._numbers, 4 * r.First, numbers, 4 * to, 4 * r.Length);
                Array.Copy(from._hashes, r.First, hashes, to, r.Length);
                Array.Copy(from._paths, r.ByteStart, paths, toByte, r.ByteEnd - r.ByteStart);
                for (var i = 0; i < r.Length; i++) starts[to + i] = from._starts[r.First + i] - r.ByteStart + toByte;
                (to, toByte) = (to + r.Length, toByte + r.ByteEnd - r.ByteStart);
            }
            return new WitnessTable(kinds, numbers, paths, starts, hashes);
        }
    }

    /// <summary>Whether every file witness but those in <paramref name="except"/> has whole-second timestamps (null: there is none).</summary>
    public bool? AllWholeSeconds(HashSet<int> except)
    {
        bool? all = null;
        for (var i = 0; i < Count; i++)
        {
            if (_kinds[i] is not (File or RacyFile) || except.Contains(i)) continue;
            if (_numbers[4 * i + 1] % 1_000_000_000 != 0 || _numbers[4 * i + 2] % 1_000_000_000 != 0) return false;
            all = true;
        }
        return all;
    }

    private enum Observed : byte { Holds, Changed, SameContent }

    private Observed Holds(int i, IFileSystem fs, out FileStat now)
    {
        now = default;
        var end = i + 1 < Count ? _starts[i + 1] : _paths.Length;
        var path = _paths.AsSpan(_starts[i], end - _starts[i]);
        var n = new ReadOnlySpan<long>(_numbers, 4 * i, 4); // not AsSpan<long>: a generic method, compiled at run time
        switch (_kinds[i])
        {
            case Absent:
                return fs.Stat(path) is null ? Observed.Holds : Observed.Changed;
            case File:
            case Directory:
            case RacyFile:
                if (fs.Stat(path) is not { } s || s.IsDirectory != (_kinds[i] == Directory)) return Observed.Changed;
                var same = StatIs(i, s);
                if (same && _kinds[i] != RacyFile) return Observed.Holds;
                if (_hashes[i] == default || s.IsDirectory) return Observed.Changed;
                now = s;
                var text = Encoding.UTF8.GetString(path[..^1]);
                Hash128 content;
                using (var stream = fs.OpenRead(text)) content = ContentHasher.Hash(stream);
                // Read between two equal stats, or what was read may be neither the old file nor the new.
                if (content != _hashes[i] || fs.Stat(text) is not { } after || !after.SameContentAs(s)) return Observed.Changed;
                return Observed.SameContent;
            default:
                var pattern = Encoding.UTF8.GetString(path[..^1]);
                var listed = _kinds[i] == Listing ? fs.ListFiles(pattern) : fs.Glob(pattern);
                var hash = Witness.HashOf(listed);
                return (long)hash.High == n[0] && (long)hash.Low == n[1] ? Observed.Holds : Observed.Changed;
        }
    }

    // Pointers rather than MemoryMarshal's generic methods, which the no-op path would compile at run time.
    // Whether witness i records exactly this stat (size, mtime, ctime, inode).
    private bool StatIs(int i, FileStat s) =>
        s.Size == _numbers[4 * i] && s.MtimeNs == _numbers[4 * i + 1] && s.CtimeNs == _numbers[4 * i + 2] && s.Inode == _numbers[4 * i + 3];

    private static unsafe void ReadNumbers(Stream stream, long[] numbers)
    {
        fixed (long* p = numbers) stream.ReadExactly(new Span<byte>(p, 8 * numbers.Length));
    }

    internal static unsafe void ReadHashes(Stream stream, Hash128[] hashes)
    {
        fixed (Hash128* p = hashes) stream.ReadExactly(new Span<byte>(p, sizeof(Hash128) * hashes.Length));
    }

    internal static byte[] ReadExactly(BinaryReader r, int count)
    {
        if (count < 0 || count > r.BaseStream.Length) throw new FormatException("impossible length");
        var bytes = new byte[count];
        r.BaseStream.ReadExactly(bytes);
        return bytes;
    }
}

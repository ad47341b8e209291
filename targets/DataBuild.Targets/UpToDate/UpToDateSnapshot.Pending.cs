using System.Text;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.UpToDate;

public sealed partial class UpToDateSnapshot
{
    /// <summary>
    /// A snapshot being read and its witnesses re-observed: by its own thread, joined by the thread that evaluates the
    /// declarations once that is done (and by more threads on a machine with more cores), chunk by chunk.
    /// </summary>
    public sealed class Pending : IDisposable
    {
        private const int Chunk = 512;
        private readonly Func<Workspace> _open;
        private Workspace _workspace = null!;
        private bool _opened;
        private readonly IReadOnlyList<string> _arguments;
        private readonly ManualResetEventSlim _ready = new(), _read = new();
        private Contents? _contents;
        private bool _noGc;
        private int _nextChunk, _chunks, _busy;
        private volatile bool _stop;
        private volatile bool _changed;
        // The witnesses that changed, up to a limit past which a full check costs less than sorting out what changed.
        private readonly HashSet<int> _changes = [];
        // Files that hold by their content, with their stat now.
        private readonly List<(int Index, FileStat Stat)> _moved = [];
        private int _changeLimit;
        private volatile bool _tooMany;

        internal Pending(Func<Workspace> open, IReadOnlyList<string> arguments)
        {
            (_open, _arguments) = (open, arguments);
            // UnsafeStart: there is no execution context to carry over, and capturing one costs start-up time.
            new Thread(Run) { IsBackground = true, Name = "DataBuild snapshot" }.UnsafeStart();
        }

        private void Run()
        {
            try
            {
                _workspace = _open();
                _opened = true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Diagnostics.Timings.Mark($"snapshot declined: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                _ready.Set();
            }
            try
            {
                if (_opened) _contents = Read();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A damaged snapshot: the full build runs.
                Diagnostics.Timings.Mark($"snapshot declined: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                _read.Set();
            }
            if (_contents is null) return;
            var helpers = Math.Min(Environment.ProcessorCount, 8) - 2;
            for (var i = 0; i < helpers && (i + 2) * 8 * Chunk < _contents.Witnesses.Count; i++)
                new Thread(Stat) { IsBackground = true, Name = "DataBuild snapshot stat" }.UnsafeStart();
            Stat();
        }

        private Contents? Read()
        {
            var fs = _workspace.FileSystem;
            var path = PathFor(_workspace, _arguments);
            if (fs.Stat(path) is not { IsDirectory: false } file) return null;
            // The check allocates about what it reads plus a few hundred bytes per partition, all of it garbage at
            // exit: collecting it would only cost time (at 100k partitions, several gen2 collections triggered by large arrays).
            try { _noGc = GC.TryStartNoGCRegion(Math.Min(4 * file.Size + (64L << 20), 512L << 20)); }
            catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException) { }
            var bytes = fs.ReadAllBytes(path);
            if (!IsSealed(bytes)) throw new FormatException("its checksum does not match: the file is damaged");
            using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadInt32() != FormatVersion || r.ReadString() != ProgramStamp.Current) return null;
            var count = r.ReadInt32();
            if (count != _arguments.Count) return null;
            for (var i = 0; i < count; i++)
                if (r.ReadString() != _arguments[i]) return null;
            var digest = r.ReadString();
            var runId = r.ReadInt64();
            var rows = new List<TargetCount>();
            var dynamicKeys = new Dictionary<string, List<PartitionKey>>(StringComparer.Ordinal);
            var verdicts = new Dictionary<string, PriorVerdicts.TargetVerdicts>(StringComparer.Ordinal);
            for (var targets = r.ReadInt32(); targets > 0; targets--)
            {
                var name = r.ReadString();
                var nodes = r.ReadInt32();
                if (nodes < 0 || 33L * nodes > r.BaseStream.Length) throw new FormatException("impossible node count");
                rows.Add(new TargetCount(name, nodes));
                string[]? partitions = null;
                if (r.ReadBoolean())
                {
                    partitions = new string[nodes];
                    var keys = new List<PartitionKey>(nodes);
                    for (var i = 0; i < nodes; i++) keys.Add(PartitionKey.Parse(partitions[i] = r.ReadString()));
                    dynamicKeys[name] = keys;
                }
                var outputs = ReadHashes(r, nodes);
                var declared = ReadHashes(r, nodes);
                var dirty = new bool[nodes];
                var flags = WitnessTable.ReadExactly(r, nodes);
                for (var i = 0; i < nodes; i++) dirty[i] = flags[i] != 0;
                verdicts[name] = new PriorVerdicts.TargetVerdicts(outputs, declared, dirty, partitions);
            }
            var allUpToDate = r.ReadBoolean();
            var lines = new string[r.ReadInt32()];
            for (var i = 0; i < lines.Length; i++) lines[i] = r.ReadString();
            var witnesses = WitnessTable.Read(r);
            _chunks = (witnesses.Count + Chunk - 1) / Chunk;
            Diagnostics.Timings.Mark("snapshot read");
            _changeLimit = 64 + witnesses.Count / 16;
            return new Contents(digest, runId, rows, dynamicKeys, verdicts, allUpToDate, lines, witnesses, bytes);
        }

        private static Hash128[] ReadHashes(BinaryReader r, int count)
        {
            var hashes = new Hash128[count];
            WitnessTable.ReadHashes(r.BaseStream, hashes);
            return hashes;
        }

        /// <summary>Re-observes chunks of witnesses until none is left or one has changed.</summary>
        private void Stat()
        {
            Interlocked.Increment(ref _busy);
            try
            {
                var table = _contents!.Witnesses;
                int chunk;
                var found = new List<int>();
                var moved = new List<(int, FileStat)>();
                while (!_stop && (chunk = Interlocked.Increment(ref _nextChunk) - 1) < _chunks)
                {
                    table.Changed(_workspace.FileSystem, chunk * Chunk, Math.Min(table.Count, (chunk + 1) * Chunk), found, moved);
                    if (moved.Count > 0)
                    {
                        lock (_moved) _moved.AddRange(moved);
                        moved.Clear();
                    }
                    if (found.Count == 0) continue;
                    _changed = true;
                    lock (_changes)
                    {
                        _changes.UnionWith(found);
                        if (_changes.Count > _changeLimit) _tooMany = _stop = true;
                    }
                    found.Clear();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Diagnostics.Timings.Mark($"snapshot declined: {e.GetType().Name}: {e.Message}");
                _changed = _tooMany = _stop = true;
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
        }

        /// <summary>The workspace the thread opened, or null when opening it failed (the caller opens it again to say why).</summary>
        public Workspace? Workspace
        {
            get
            {
                _ready.Wait();
                return _opened ? _workspace : null;
            }
        }

        internal Contents? WaitRead()
        {
            _read.Wait();
            return _contents;
        }

        internal void Cancel() => _stop = true;

        /// <summary>
        /// After <see cref="WaitWitnesses"/>: writes the stats of the files that held by their content into the
        /// table, so that the next check trusts them by their stat again; returns whether that changed the table.
        /// </summary>
        internal bool RefreshMoved()
        {
            // The clock read after every stat was taken: judged by an earlier time, a racy stat could pass for old.
            var nowNs = _workspace.Clock.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            var changed = false;
            foreach (var (index, stat) in _moved) changed |= _contents!.Witnesses.Refresh(index, stat, nowNs);
            _moved.Clear();
            return changed;
        }

        /// <summary>After <see cref="WaitWitnesses"/>: the indices of the witnesses that changed, or null when there were too many to say (or the check stopped).</summary>
        internal HashSet<int>? Changes => _tooMany || _stop ? null : _changes;

        /// <summary>Helps re-observe what is left, waits for every thread, and says whether all witnesses held.</summary>
        internal bool WaitWitnesses()
        {
            _read.Wait();
            if (_contents is null) return false;
            Stat();
            // Every chunk is claimed now (or the check stopped): wait for the ones other threads are still on.
            var spin = new SpinWait();
            while (Volatile.Read(ref _busy) > 0) spin.SpinOnce();
            return !_changed;
        }

        internal void EndNoGcRegion()
        {
            _read.Wait();
            if (_noGc && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
            _noGc = false;
        }

        /// <summary>Stops the work when the snapshot is not wanted after all (another command, --verbose).</summary>
        public void Dispose()
        {
            Cancel();
            EndNoGcRegion();
        }
    }
}

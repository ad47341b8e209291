using System.Runtime.InteropServices;
using System.Text;
using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>
/// What a build that found every node up to date rested on, so the same command can be answered again without
/// reading the state or building the graph (the way Gradle's configuration cache answers for its task graph):
/// <list type="bullet">
/// <item>every stat, directory listing and glob the build made (its witnesses), and the stat of the state database;</item>
/// <item>a digest of the pipeline's declarations: targets, partitions, mapped dependencies, and each node's task
///   identity, parameters, configs, containers, environment variables and tools, as the build evaluated them;</item>
/// <item>the program (the files next to it and the runtime) and the command line.</item>
/// </list>
/// A later run of the same command re-observes the witnesses and re-evaluates the declarations (pipeline code may
/// read anything: a new file in a directory it lists changes a partition or a parameter, and the digest with it).
/// When all of it is unchanged, every node's task key and outputs are what they were, so the build's verdict holds:
/// nothing to do. Anything different, or any doubt, and the build runs in full. Any run that writes the state
/// first deletes the snapshots (<see cref="StateStore.BeginRun"/>), and the state's own stat is a witness.
/// </summary>
public sealed class UpToDateSnapshot
{
    /// <summary>A target and how many nodes of it the build found up to date.</summary>
    public sealed record TargetCount(string Target, int Nodes);

    private const string Magic = "databuild-uptodate";
    private const int FormatVersion = 3;

    /// <summary>How recent a witnessed timestamp may be, relative to the build's start, and still be trusted.</summary>
    /// <remarks>
    /// A file rewritten within the same timestamp tick as the stat we took, at the same size, looks unchanged (git's
    /// "racy clean"). Timestamps older than the build's start by more than a tick cannot be repeated later. A file
    /// system whose timestamps all have whole seconds (some NFS and Lustre set-ups) gets a two-second margin.
    /// </remarks>
    private static readonly TimeSpan FineTick = TimeSpan.FromMilliseconds(100), CoarseTick = TimeSpan.FromSeconds(2);

    public required long RunId { get; init; }

    public required IReadOnlyList<TargetCount> Rows { get; init; }

    /// <summary>The "Target outputs (n): ..." lines of the build's report.</summary>
    public required IReadOnlyList<string> OutputLines { get; init; }

    public required int Witnesses { get; init; }

    public int NodeCount
    {
        get
        {
            var total = 0;
            foreach (var r in Rows) total += r.Nodes;
            return total;
        }
    }

    /// <summary>Where the snapshot of one command line lives in the state directory.</summary>
    public static string PathFor(Workspace workspace, IReadOnlyList<string> arguments) =>
        workspace.StateDirectory + "/" + StateStore.SnapshotDirectoryName + "/" + new HashBuilder().AddJoined(arguments, '\0').BuildDigest().ToString();

    /// <summary>The snapshots' directory (every run that writes the state deletes it).</summary>
    public static string DirectoryOf(string statePath) => StateStore.SnapshotDirectoryOf(statePath);

    /// <summary>
    /// Saves the snapshot of a build whose every node was up to date; returns why not when it cannot be trusted
    /// (a node was built or failed, an observation changed during the build, a timestamp is too recent).
    /// Call it after the state is closed, holding the build lock.
    /// </summary>
    public static string? Save(Workspace workspace, IReadOnlyList<string> arguments, bool succeeded, IReadOnlyList<Node> nodes,
        IReadOnlyList<TargetRun> targets, IReadOnlyList<Witness> observed, DateTimeOffset buildStarted, long runId, IReadOnlyList<string> outputLines)
    {
        if (!succeeded || nodes.Any(n => n.State != NodeState.UpToDate))
            return "not every node was up to date";
        var fs = workspace.FileSystem;
        var witnesses = new Dictionary<(WitnessKind, string), Witness>();
        foreach (var w in observed)
        {
            if (witnesses.TryGetValue((w.Kind, w.Path), out var earlier) && earlier != w) return $"{w.Path} changed during the build";
            witnesses[(w.Kind, w.Path)] = w;
        }
        foreach (var state in new[] { workspace.StatePath, workspace.StatePath + "-wal" })
            witnesses[(WitnessKind.Stat, state)] = new Witness(WitnessKind.Stat, state, fs.Stat(state), default);
        var stats = witnesses.Values.Where(w => w.Stat is { IsDirectory: false }).Select(w => w.Stat!.Value).ToList();
        var tick = stats.Count > 0 && stats.All(s => s.MtimeNs % 1_000_000_000 == 0 && s.CtimeNs % 1_000_000_000 == 0) ? CoarseTick : FineTick;
        var trustedBefore = (buildStarted - tick).ToUnixTimeMilliseconds() * 1_000_000;
        foreach (var w in witnesses.Values)
            if (w.Stat is { IsDirectory: false } s && (s.MtimeNs >= trustedBefore || s.CtimeNs >= trustedBefore) && !IsState(workspace, w.Path))
                return $"{w.Path} changed less than {tick.TotalSeconds:0.#} s before the build started";

        var buffer = new MemoryStream();
        using (var o = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            o.Write(Magic);
            o.Write(FormatVersion);
            o.Write(ProgramStamp().ToString());
            o.Write(arguments.Count);
            foreach (var a in arguments) o.Write(a);
            o.Write(Digest(nodes, targets).ToString());
            o.Write(runId);
            o.Write(targets.Count);
            foreach (var t in targets)
            {
                o.Write(t.Name);
                o.Write(t.Nodes.Count);
                o.Write(t.Spec.IsDynamic);
                if (t.Spec.IsDynamic)
                    foreach (var i in t.Nodes) o.Write(nodes[i].Partition.ToString());
            }
            o.Write(outputLines.Count);
            foreach (var line in outputLines) o.Write(line);
            WitnessTable.From(witnesses.Values).Write(o);
        }
        var path = PathFor(workspace, arguments);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var file = fs.Create(temporary)) buffer.WriteTo(file);
            fs.Replace(temporary, path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk or a read-only state directory costs the next no-op its shortcut, never this build its result.
            // A partial temporary file is removed with the directory by the next run that writes the state.
            return $"cannot write {path}: {e.Message}";
        }
    }

    /// <summary>
    /// Starts reading the snapshot of this command line, if there is one, and re-observing its witnesses, on a thread
    /// of its own: this work needs neither the pipeline model nor the parsed command line, so it overlaps with loading
    /// them. <see cref="TryLoad(PipelineModel, Workspace, Pending, IReadOnlyList{NodeSelector})"/>
    /// finishes the check. Reading never fails: any problem declines the snapshot.
    /// </summary>
    public static Pending Prefetch(Workspace workspace, IReadOnlyList<string> arguments) => new(() => workspace, arguments);

    /// <summary>The same, with the workspace opened by the prefetch thread (<see cref="Pending.Workspace"/>).</summary>
    public static Pending Prefetch(Func<Workspace> open, IReadOnlyList<string> arguments) => new(open, arguments);

    /// <summary>
    /// The snapshot of this command line when it still holds: same program, same declarations, every witness
    /// unchanged. Null otherwise (no snapshot, anything different, a damaged file, pipeline code that throws): then
    /// the build runs in full, and reports the problem if there is one.
    /// </summary>
    public static UpToDateSnapshot? TryLoad(PipelineModel model, Workspace workspace, IReadOnlyList<string> arguments, IReadOnlyList<NodeSelector> requested) =>
        TryLoad(model, workspace, Prefetch(workspace, arguments), requested);

    public static UpToDateSnapshot? TryLoad(PipelineModel model, Workspace workspace, Pending pending, IReadOnlyList<NodeSelector> requested)
    {
        try
        {
            if (pending.WaitRead() is not { } read) return null;
            // Evaluate the declarations here while the prefetch thread stats, then help it finish.
            var same = Digest(model, workspace, requested, read.DynamicKeys, read.Rows).ToString() == read.Digest;
            if (!same) pending.Cancel();
            var unchanged = pending.WaitWitnesses();
            if (!same)
            {
                Diagnostics.Timings.Mark("snapshot declined: the declarations changed");
                return null;
            }
            Diagnostics.Timings.Mark(unchanged ? "declarations and witnesses checked" : "snapshot declined: a witnessed file or listing changed");
            return unchanged ? new UpToDateSnapshot { RunId = read.RunId, Rows = read.Rows, OutputLines = read.OutputLines, Witnesses = read.Witnesses.Count } : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Pipeline code that now throws: the full build runs, and says what is wrong.
            pending.Cancel();
            pending.WaitWitnesses();
            Diagnostics.Timings.Mark($"snapshot declined: {e.GetType().Name}: {e.Message}");
            return null;
        }
        finally
        {
            pending.EndNoGcRegion();
        }
    }

    /// <summary>What a snapshot file holds, read.</summary>
    internal sealed record Contents(string Digest, long RunId, List<TargetCount> Rows, Dictionary<string, List<PartitionKey>> DynamicKeys,
        string[] OutputLines, WitnessTable Witnesses);

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
            using var r = new BinaryReader(new MemoryStream(fs.ReadAllBytes(path), writable: false), Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadInt32() != FormatVersion || r.ReadString() != ProgramStamp().ToString()) return null;
            var count = r.ReadInt32();
            if (count != _arguments.Count) return null;
            for (var i = 0; i < count; i++)
                if (r.ReadString() != _arguments[i]) return null;
            var digest = r.ReadString();
            var runId = r.ReadInt64();
            var rows = new List<TargetCount>();
            var dynamicKeys = new Dictionary<string, List<PartitionKey>>(StringComparer.Ordinal);
            for (var targets = r.ReadInt32(); targets > 0; targets--)
            {
                var name = r.ReadString();
                var nodes = r.ReadInt32();
                if (nodes < 0 || nodes > r.BaseStream.Length) throw new FormatException("impossible node count");
                rows.Add(new TargetCount(name, nodes));
                if (!r.ReadBoolean()) continue;
                var keys = new List<PartitionKey>(nodes);
                for (var i = 0; i < nodes; i++) keys.Add(PartitionKey.Parse(r.ReadString()));
                dynamicKeys[name] = keys;
            }
            var lines = new string[r.ReadInt32()];
            for (var i = 0; i < lines.Length; i++) lines[i] = r.ReadString();
            var witnesses = WitnessTable.Read(r);
            _chunks = (witnesses.Count + Chunk - 1) / Chunk;
            Diagnostics.Timings.Mark("snapshot read");
            return new Contents(digest, runId, rows, dynamicKeys, lines, witnesses);
        }

        /// <summary>Re-observes chunks of witnesses until none is left or one has changed.</summary>
        private void Stat()
        {
            Interlocked.Increment(ref _busy);
            try
            {
                var table = _contents!.Witnesses;
                int chunk;
                while (!_stop && (chunk = Interlocked.Increment(ref _nextChunk) - 1) < _chunks)
                    if (!table.Unchanged(_workspace.FileSystem, chunk * Chunk, Math.Min(table.Count, (chunk + 1) * Chunk)))
                        _changed = _stop = true;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Diagnostics.Timings.Mark($"snapshot declined: {e.GetType().Name}: {e.Message}");
                _changed = _stop = true;
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

    /// <summary>The declarations of a finished build, from the values its nodes were decided on.</summary>
    private static Hash128 Digest(IReadOnlyList<Node> nodes, IReadOnlyList<TargetRun> targets)
    {
        var digest = new HashBuilder().Add(Magic);
        foreach (var t in targets)
        {
            digest.Add(TargetHash(t.Spec)).Add(t.Nodes.Count);
            foreach (var i in t.Nodes)
            {
                var node = nodes[i];
                AddNode(digest, node.Partition, node.Declared);
                for (var d = 0; d < t.Spec.Dependencies.Count; d++)
                {
                    if (t.Spec.Dependencies[d].UpstreamOf is null) continue;
                    digest.Add(node.Dependencies[d].Length);
                    foreach (var up in node.Dependencies[d]) digest.Add(nodes[up].Partition.ToString());
                }
            }
        }
        return digest.BuildDigest();
    }

    /// <summary>
    /// The same digest, evaluated now: static partitions, and each node's declared values (once per target when
    /// they do not depend on the partition) and mapped dependencies (in parallel when they do).
    /// </summary>
    private static Hash128 Digest(PipelineModel model, Workspace workspace, IReadOnlyList<NodeSelector> requested,
        Dictionary<string, List<PartitionKey>> dynamicKeys, List<TargetCount> rows)
    {
        var (order, filters) = TargetSelection.Resolve(model, requested);
        if (order.Count != rows.Count) return Hash128.Empty;
        var hasher = new FileHasher(workspace.FileSystem, new Dictionary<string, FileRecord>());
        var signatures = new SignatureBuilder(hasher, new ToolIdentity(workspace.Processes, hasher, workspace.FileSystem.FullPath(".")), workspace.Environment);
        var digest = new HashBuilder().Add(Magic);
        for (var t = 0; t < order.Count; t++)
        {
            var spec = order[t];
            if (spec.Name != rows[t].Target) return Hash128.Empty;
            var keys = spec.IsDynamic
                ? dynamicKeys.GetValueOrDefault(spec.Name) ?? []
                : TargetSelection.StaticPartitions(spec, filters[spec.Name], rows[t].Nodes);
            Diagnostics.Timings.Mark("partitions of " + spec.Name, keys.Count);
            digest.Add(TargetHash(spec)).Add(keys.Count);
            var mapped = new List<DependencySpec>();
            foreach (var d in spec.Dependencies)
                if (d.UpstreamOf is not null) mapped.Add(d);
            if (spec.Task is null || SignatureBuilder.DeclaredPerTarget(spec))
            {
                var declared = spec.Task is null ? Hash128.Empty : signatures.DeclaredHash(spec, PartitionKey.None);
                foreach (var key in keys)
                {
                    AddNode(digest, key, declared);
                    foreach (var d in mapped) AddMapped(digest, new List<PartitionKey>(d.UpstreamOf!(key)));
                }
            }
            else AddPerPartition(digest, signatures, spec, keys, mapped);
        }
        return digest.BuildDigest();
    }

    /// <summary>
    /// Per-partition declared values and mapped dependencies come from pipeline code, which may be slow: evaluated on
    /// every core. A method of its own, so that a check without them loads neither Parallel nor its types.
    /// </summary>
    private static void AddPerPartition(HashBuilder digest, SignatureBuilder signatures, TargetSpec spec, List<PartitionKey> keys, List<DependencySpec> mapped)
    {
        var perNode = new (Hash128 Declared, List<PartitionKey>[] Mapped)[keys.Count];
        Parallel.For(0, keys.Count, i => perNode[i] = (signatures.DeclaredHash(spec, keys[i]), mapped.Select(d => d.UpstreamOf!(keys[i]).ToList()).ToArray()));
        for (var i = 0; i < keys.Count; i++)
        {
            AddNode(digest, keys[i], perNode[i].Declared);
            foreach (var ups in perNode[i].Mapped) AddMapped(digest, ups);
        }
    }

    private static void AddNode(HashBuilder digest, PartitionKey partition, Hash128 declared) => digest.Add(partition.ToString()).Add(declared);

    private static void AddMapped(HashBuilder digest, List<PartitionKey> upstream)
    {
        digest.Add(upstream.Count);
        foreach (var up in upstream) digest.Add(up.ToString());
    }

    /// <summary>Everything a target declares that is the same for all its partitions.</summary>
    private static Hash128 TargetHash(TargetSpec spec)
    {
        var builder = new HashBuilder().Add(spec.Name).Add(spec.DynamicSource ?? "").Add(spec.BuildOnlyWhenMissing ? 1 : 0)
            .Add(spec.Task?.Identity ?? "").Add(spec.Inputs.Count);
        foreach (var i in spec.Inputs) builder.Add((long)i.Kind).Add(i.Name).Add(i.Template ?? "").AddJoined(i.VersionArgs ?? [], '\0');
        builder.Add(spec.Outputs.Count);
        foreach (var o in spec.Outputs) builder.Add(o.Name).Add(o.Template).Add(o.IsDirectory ? 1 : 0);
        builder.Add(spec.Dependencies.Count);
        foreach (var d in spec.Dependencies) builder.Add(d.Target).Add(d.UpstreamOf is null ? 0 : 1);
        return builder.BuildDigest();
    }

    /// <summary>The program that decides: the files next to it (its code and the pipeline's) and the runtime.</summary>
    private static Hash128 ProgramStamp()
    {
        var builder = new HashBuilder().Add(RuntimeInformation.FrameworkDescription).Add(RuntimeInformation.RuntimeIdentifier);
        var disk = new RealFileSystem("/");
        var paths = RealFileSystem.Names(AppContext.BaseDirectory);
        for (var i = 0; i < paths.Count; i++) paths[i] = AppContext.BaseDirectory + paths[i];
        paths.Sort(Ordinal); // not StringComparer.Ordinal: its vector compare is compiled at run time
        paths.Add(AppContext.BaseDirectory);
        paths.Add(typeof(object).Assembly.Location);
        foreach (var file in paths)
        {
            var stat = disk.Stat(file) ?? default;
            builder.Add(file).Add(stat.Size).Add(stat.MtimeNs).Add(stat.CtimeNs).Add(stat.Inode);
        }
        return builder.BuildDigest();
    }

    private static int Ordinal(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
            if (a[i] != b[i]) return a[i] - b[i];
        return a.Length - b.Length;
    }

    private static bool IsState(Workspace workspace, string path) => path.StartsWith(workspace.StatePath, StringComparison.Ordinal);

}

using System.Runtime.InteropServices;
using System.Text;
using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>
/// What a build's verdicts rested on, so the same command can be answered again without reading the state or
/// building the graph (the way Gradle's configuration cache answers for its task graph):
/// <list type="bullet">
/// <item>every stat, directory listing and glob the build made (its witnesses), with the content hash of each file
///   whose content a verdict rests on, and the stat of the state database;</item>
/// <item>a digest of the pipeline's declarations: targets, partitions, mapped dependencies, and each node's task
///   identity, parameters, configs, containers, environment variables and tools, as the build evaluated them;</item>
/// <item>the program (the files next to it and the runtime) and the command line.</item>
/// </list>
/// A later run of the same command re-observes the witnesses and re-evaluates the declarations (pipeline code may
/// read anything: a new file in a directory it lists changes a partition or a parameter, and the digest with it).
/// When all of it is unchanged (a file whose stat moved counts as unchanged when its content hash is the recorded
/// one), every node's task key and outputs are what they were, so the build's verdict holds: nothing to do. Anything
/// different, or any doubt, and the build runs in full. Any run that writes the state first deletes the snapshots
/// (<see cref="StateStore.BeginRun"/>), and the state's own stat is a witness.
/// </summary>
public sealed partial class UpToDateSnapshot
{
    /// <summary>A target and how many nodes of it the build found up to date.</summary>
    public sealed record TargetCount(string Target, int Nodes);

    internal const string Magic = "databuild-uptodate";
    private const int FormatVersion = 5;

    /// <summary>How recent a witnessed timestamp may be, relative to the build's start, and still be trusted.</summary>
    /// <remarks>
    /// A file rewritten within the same timestamp tick as the stat we took, at the same size, looks unchanged (git's
    /// "racy clean"). Timestamps older than the build's start by more than a tick cannot be repeated later. A file
    /// system whose timestamps all have whole seconds (some NFS and Lustre set-ups) gets a two-second margin.
    /// </remarks>
    internal static readonly TimeSpan FineTick = TimeSpan.FromMilliseconds(100), CoarseTick = TimeSpan.FromSeconds(2);

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
    /// Saves the snapshot of a build whose every node is now up to date or built. Nodes that rest on a path that
    /// changed during the build or too recently to trust its stat, unless the build knows the one content its
    /// verdicts rest on (<paramref name="learned"/>, the build's <see cref="FileHasher.LearnedOf"/>), and built nodes
    /// with an output known otherwise (a directory), are marked to be re-checked: the same command then re-checks
    /// only those (and what they change), not everything (<see cref="PriorVerdicts"/>). Returns why not when it
    /// cannot be trusted (a node failed, a path nothing declares changed during the build, most nodes would be
    /// re-checked anyway). <paramref name="prior"/>: the verdicts this build kept, whose witnesses carry over.
    /// Call it after the state is closed, holding the build lock.
    /// </summary>
    public static string? Save(Workspace workspace, IReadOnlyList<string> arguments, bool succeeded, IReadOnlyList<Node> nodes,
        IReadOnlyList<TargetRun> targets, IReadOnlyCollection<Witness> observed, DateTimeOffset buildStarted, long runId, IReadOnlyList<string> outputLines,
        PriorVerdicts? prior = null, Func<string, FileHasher.Learned?>? learned = null)
    {
        // An older snapshot of this command never outlives the build (the state's own run does the same for all of them).
        var fs = workspace.FileSystem;
        var older = PathFor(workspace, arguments);
        if (fs.Stat(older) is not null) fs.Delete(older);
        foreach (var node in nodes)
            if (!node.IsDone) return "not every node was up to date or built";
        if (!succeeded) return "not every node was up to date or built";
        // Sized up front, not grown through a few hundred thousand paths by copying itself a dozen times at the build's
        // memory peak: for every observation, but no more than an input and an output per node (a cold build observes
        // its paths several times each; a pipeline with more files per node grows it from there).
        var witnesses = new Dictionary<(WitnessKind, string), Witness>(Math.Min(observed.Count, 2 * nodes.Count) + 2, WitnessKeys.Instance);
        var untrusted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in observed)
        {
            if (witnesses.TryGetValue((w.Kind, w.Path), out var earlier) && !Same(earlier, w)) untrusted.Add(w.Path);
            witnesses[(w.Kind, w.Path)] = w;
        }
        // Made once: the workspace makes it anew (a full path) at every call, and every witness is compared with it.
        var statePath = workspace.StatePath;
        foreach (var state in new[] { statePath, statePath + "-wal" })
            witnesses[(WitnessKind.Stat, state)] = new Witness(WitnessKind.Stat, state, fs.Stat(state), default);
        var (files, wholeSeconds) = (0, 0);
        foreach (var w in witnesses.Values)
            if (w.Stat is { IsDirectory: false } s)
            {
                files++;
                if (s.MtimeNs % 1_000_000_000 == 0 && s.CtimeNs % 1_000_000_000 == 0) wholeSeconds++;
            }
        // The witnesses carried over from the prior snapshot were trusted when it was saved, before this build started.
        var carriedCoarse = prior?.Witnesses.AllWholeSeconds(prior.ChangedWitnesses);
        var tick = (files > 0 || carriedCoarse is not null) && (carriedCoarse ?? true) && wholeSeconds == files ? CoarseTick : FineTick;
        var trustedBefore = (buildStarted - tick).ToUnixTimeMilliseconds() * 1_000_000;
        foreach (var w in witnesses.Values)
            if (w.Stat is { IsDirectory: false } s && (s.MtimeNs >= trustedBefore || s.CtimeNs >= trustedBefore) && !IsState(statePath, w.Path))
                untrusted.Add(w.Path);
        var contents = learned is null ? null : KnownContents(workspace, statePath, witnesses, untrusted, learned);

        var recheck = new bool[nodes.Count];
        var rechecked = 0;
        var changed = untrusted.Count > 0 ? new ChangedPaths(untrusted) : null;
        foreach (var node in nodes)
            if ((node.State == NodeState.Built && !OutputsKnown(node, contents)) | (changed is not null && changed.Touches(node.Target, node.Partition)))
            {
                recheck[node.Index] = true;
                rechecked++;
            }
        if (changed?.Unattributed.FirstOrDefault() is { } unclaimed)
            return $"{unclaimed} changed during the build or less than {tick.TotalSeconds:0.#} s before it started, and no node declares it";
        if (rechecked > nodes.Count / 2)
            return untrusted.Count > 0
                ? $"{rechecked} of {nodes.Count} nodes were built or rest on files that changed during the build or less than {tick.TotalSeconds:0.#} s before it started (such as {untrusted.Min(StringComparer.Ordinal)}): the next build checks in full"
                : $"{rechecked} of {nodes.Count} nodes were built: the next build checks in full";
        // Their nodes are re-checked whatever the file system says then.
        foreach (var path in untrusted)
            for (var kind = WitnessKind.Stat; kind <= WitnessKind.Glob; kind++) witnesses.Remove((kind, path));
        Func<string, WitnessTable.Content?>? contentOf = contents is null ? null : path => contents.TryGetValue(path, out var c) ? c : null;
        Action<BinaryWriter> writeWitnesses = prior is null
            ? WitnessTable.From(witnesses.Values, contentOf).Write
            : prior.Witnesses.Merge(prior.ChangedWitnesses, witnesses, untrusted, contentOf).Write;

        // Streamed to the file with its checksum taken on the way: this is written at the build's memory peak, where a
        // buffer the size of the snapshot would cost a full collection.
        return Write(workspace, arguments, file =>
        {
            var summed = new ChecksumStream(file);
            using (var o = new BinaryWriter(new BufferedStream(summed, 1 << 16), Encoding.UTF8))
            {
                o.Write(Magic);
                o.Write(FormatVersion);
                o.Write(ProgramStamp.Current);
                o.Write(arguments.Count);
                foreach (var a in arguments) o.Write(a);
                o.Write(prior is not null && prior.DeclaredAsBefore(nodes) ? prior.Digest : DeclarationsDigest.Of(nodes, targets).ToString());
                o.Write(runId);
                o.Write(targets.Count);
                foreach (var t in targets)
                {
                    o.Write(t.Name);
                    o.Write(t.Nodes.Count);
                    o.Write(t.Spec.IsDynamic);
                    if (t.Spec.IsDynamic)
                        foreach (var i in t.Nodes) o.Write(nodes[i].Partition.ToString());
                    WriteEach(o, t.Nodes, nodes, n => n.OutputHash);
                    WriteEach(o, t.Nodes, nodes, n => n.Declared);
                    WriteFlags(o, t.Nodes, recheck);
                }
                o.Write(rechecked == 0);
                o.Write(outputLines.Count);
                foreach (var line in outputLines) o.Write(line);
                writeWitnesses(o);
            }
            Span<byte> checksum = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(checksum, summed.Checksum);
            file.Write(checksum);
        });
    }

    // The last 8 bytes of a snapshot are a checksum of the rest: a damaged file is declined whichever byte it is
    // (a flipped content hash would otherwise pass unseen until the file's stat moved).
    internal static void Seal(byte[] bytes) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), Checksum(bytes.AsSpan(0, bytes.Length - 8)));

    internal static bool IsSealed(byte[] bytes) =>
        bytes.Length >= 8 && System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)) == Checksum(bytes.AsSpan(0, bytes.Length - 8));

    private static ulong Checksum(ReadOnlySpan<byte> body) => System.IO.Hashing.XxHash3.HashToUInt64(body);

    /// <summary>Writes through to a stream and takes the checksum of what passed (<see cref="Checksum"/>'s, incrementally); leaves the stream open.</summary>
    private sealed class ChecksumStream(Stream inner) : Stream
    {
        private readonly System.IO.Hashing.XxHash3 _hash = new();

        public ulong Checksum => _hash.GetCurrentHashAsUInt64();

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.Append(buffer);
            inner.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>
    /// The files whose content the build's verdicts rest on, with that content's hash: those the build's hasher gave
    /// one hash for and whose stat is still the one hashed. A path untrusted by its stat (changed during the build, or
    /// too recently) that qualifies is trusted by its content instead: it leaves <paramref name="untrusted"/>, and
    /// its witness becomes its stat now, marked racy when that is still within a tick of now (its content is then
    /// read at every check until it is old enough).
    /// </summary>
    private static Dictionary<string, WitnessTable.Content> KnownContents(Workspace workspace, string statePath, Dictionary<(WitnessKind, string), Witness> witnesses,
        HashSet<string> untrusted, Func<string, FileHasher.Learned?> learned)
    {
        var contents = new Dictionary<string, WitnessTable.Content>(witnesses.Count, StringComparer.Ordinal);
        foreach (var w in witnesses.Values)
        {
            if (w.Kind != WitnessKind.Stat || IsState(statePath, w.Path) || learned(w.Path) is not { Conflicting: false } known) continue;
            var untrustedStat = untrusted.Contains(w.Path);
            if ((untrustedStat ? workspace.FileSystem.Stat(w.Path) : w.Stat) is not { IsDirectory: false } now || !now.SameContentAs(known.Stat)) continue;
            var racy = false;
            if (untrustedStat)
            {
                // The clock read after the stat: a stat taken earlier than the time it is judged by could be repeated.
                racy = WitnessTable.Racy(now, workspace.Clock.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
                // In place: a value replaced through its reference leaves the enumeration valid.
                CollectionsMarshal.GetValueRefOrNullRef(witnesses, (WitnessKind.Stat, w.Path)) = w with { Stat = now };
                untrusted.Remove(w.Path);
            }
            contents[w.Path] = new WitnessTable.Content(known.Hash, racy);
        }
        return contents;
    }

    // A built node's verdict rests on its outputs as it wrote them: known when each is a file whose content is known.
    private static bool OutputsKnown(Node node, Dictionary<string, WitnessTable.Content>? contents)
    {
        if (contents is null) return false;
        var outputs = node.OutputPaths();
        for (var i = 0; i < outputs.Length; i++)
            if (outputs[i].IsDirectory || !contents.ContainsKey(outputs[i].Path)) return false;
        return true;
    }

    /// <summary>
    /// Writes a snapshot (whole, atomically) for this command line; returns why not. A full disk or a read-only state
    /// directory costs the next no-op its shortcut, never a build its result.
    /// </summary>
    public static string? Write(Workspace workspace, IReadOnlyList<string> arguments, byte[] bytes) => Write(workspace, arguments, file => file.Write(bytes));

    private static string? Write(Workspace workspace, IReadOnlyList<string> arguments, Action<Stream> write)
    {
        var fs = workspace.FileSystem;
        var path = PathFor(workspace, arguments);
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            // Made first: a create that fails for the missing directory (every run that writes the state deletes it) throws first.
            fs.CreateDirectory(Path.GetDirectoryName(path)!);
            using (var file = fs.Create(temporary)) write(file);
            fs.Replace(temporary, path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
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

    public static UpToDateSnapshot? TryLoad(PipelineModel model, Workspace workspace, Pending pending, IReadOnlyList<NodeSelector> requested) =>
        Check(model, workspace, pending, requested).UpToDate;

    /// <summary>
    /// What the snapshot says: nothing to do, or which nodes keep their verdicts, or nothing (a full check).
    /// <see cref="Refreshed"/>: with nothing to do, the snapshot with the new stats of files that held by their
    /// content (touched, or no longer too recent to trust by their stat), to write with <see cref="Write"/>.
    /// </summary>
    public readonly record struct Answer(UpToDateSnapshot? UpToDate, PriorVerdicts? Prior, byte[]? Refreshed = null);

    /// <summary>
    /// The snapshot of this command line, checked: when the declarations are the same and every witness holds,
    /// nothing to do (<see cref="Answer.UpToDate"/>); when the declarations are the same and what changed is declared
    /// by nodes (their inputs and outputs), the verdicts of the other nodes (<see cref="Answer.Prior"/>); otherwise
    /// neither, and the build checks in full.
    /// </summary>
    public static Answer Check(PipelineModel model, Workspace workspace, Pending pending, IReadOnlyList<NodeSelector> requested)
    {
        try
        {
            if (pending.WaitRead() is not { } read) return default;
            // A dynamic target's per-partition declarations, evaluated for the partitions its source had when the
            // snapshot was saved, may read that source; when anything changed the source may be rebuilt in this build,
            // and pipeline code that caches what it read (the sweep example's plan) would keep the stale copy. So such
            // a pipeline evaluates them only once the witnesses are known unchanged, and checks in full otherwise.
            if (model.Targets.Values.Any(DeclaresPerDynamicPartition) && !pending.WaitWitnesses())
            {
                Diagnostics.Timings.Mark("snapshot declined: a witnessed path changed and a dynamic target declares per partition");
                return default;
            }
            // Evaluate the declarations here while the prefetch thread stats, then help it finish.
            var evaluated = new List<(TargetSpec, List<PartitionKey>)>(read.Rows.Count);
            var same = DeclarationsDigest.Of(model, workspace, requested, read.DynamicKeys, read.Rows, evaluated).ToString() == read.Digest;
            if (!same) pending.Cancel();
            var unchanged = pending.WaitWitnesses();
            if (!same)
            {
                Diagnostics.Timings.Mark("snapshot declined: the declarations changed");
                return default;
            }
            var refreshed = pending.RefreshMoved();
            if (unchanged && read.AllUpToDate)
            {
                Diagnostics.Timings.Mark("declarations and witnesses checked");
                return new(new UpToDateSnapshot { RunId = read.RunId, Rows = read.Rows, OutputLines = read.OutputLines, Witnesses = read.Witnesses.Count }, null,
                    refreshed ? read.Witnesses.Patch(read.Bytes) : null);
            }
            if (pending.Changes is not { } changes)
            {
                Diagnostics.Timings.Mark("snapshot declined: too many witnessed files or listings changed");
                return default;
            }
            var prior = Verdicts(read, evaluated, changes);
            Diagnostics.Timings.Mark(prior is null ? "snapshot declined: a changed path is declared by no node" : "verdicts kept where nothing changed", changes.Count);
            return new(null, prior);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Pipeline code that now throws: the full build runs, and says what is wrong.
            pending.Cancel();
            pending.WaitWitnesses();
            Diagnostics.Timings.Mark($"snapshot declined: {e.GetType().Name}: {e.Message}");
            return default;
        }
        finally
        {
            pending.EndNoGcRegion();
        }
    }

    private static bool DeclaresPerDynamicPartition(TargetSpec spec) => spec.IsDynamic && spec.Task is not null && !SignatureBuilder.DeclaredPerTarget(spec);

    /// <summary>The snapshot's verdicts with the nodes that rest on a changed path marked dirty; null when a changed path is no node's.</summary>
    private static PriorVerdicts? Verdicts(Contents read, List<(TargetSpec Spec, List<PartitionKey> Keys)> evaluated, HashSet<int> changes)
    {
        var paths = new List<string>(changes.Count);
        foreach (var i in changes) paths.Add(read.Witnesses.PathAt(i));
        var changed = new ChangedPaths(paths);
        var targets = new Dictionary<string, PriorVerdicts.TargetVerdicts>(StringComparer.Ordinal);
        var partitions = new Dictionary<string, List<PartitionKey>>(StringComparer.Ordinal);
        foreach (var (spec, keys) in evaluated)
        {
            if (!spec.IsDynamic) partitions[spec.Name] = keys;
            var verdicts = read.Verdicts[spec.Name];
            if (verdicts.Outputs.Length != keys.Count) return null;
            if (changed.Count > 0)
                for (var i = 0; i < keys.Count; i++)
                    if (changed.Touches(spec, keys[i])) verdicts.Dirty[i] = true;
            targets[spec.Name] = verdicts;
        }
        if (changed.Unattributed.Any()) return null;
        return new PriorVerdicts(targets, read.RunId, changed.Count, read.Witnesses, changes, partitions, read.Digest);
    }

    /// <summary>What a snapshot file holds, read.</summary>
    internal sealed record Contents(string Digest, long RunId, List<TargetCount> Rows, Dictionary<string, List<PartitionKey>> DynamicKeys,
        Dictionary<string, PriorVerdicts.TargetVerdicts> Verdicts, bool AllUpToDate, string[] OutputLines, WitnessTable Witnesses, byte[] Bytes);

    private static void WriteFlags(BinaryWriter o, List<int> indices, bool[] flags)
    {
        Span<byte> chunk = stackalloc byte[4096];
        for (var start = 0; start < indices.Count; start += chunk.Length)
        {
            var part = chunk[..Math.Min(chunk.Length, indices.Count - start)];
            for (var i = 0; i < part.Length; i++) part[i] = flags[indices[start + i]] ? (byte)1 : (byte)0;
            o.Write(part);
        }
    }

    // Each node's hash, as the witness table writes its hashes, a chunk at a time (a write per value costs more than the
    // rest of the save at 100k nodes).
    private static void WriteEach(BinaryWriter o, List<int> indices, IReadOnlyList<Node> nodes, Func<Node, Hash128> of)
    {
        Span<Hash128> chunk = stackalloc Hash128[256];
        var n = 0;
        foreach (var i in indices)
        {
            chunk[n++] = of(nodes[i]);
            if (n < chunk.Length) continue;
            o.Write(MemoryMarshal.AsBytes(chunk));
            n = 0;
        }
        o.Write(MemoryMarshal.AsBytes(chunk[..n]));
    }

    // Field by field: a record struct's own equality goes through the default comparer of each field type, made by reflection at first use.
    private static bool Same(Witness a, Witness b) =>
        a.Kind == b.Kind && a.Path == b.Path && a.Listing.Equals(b.Listing) && a.Stat.HasValue == b.Stat.HasValue && (a.Stat is not { } x || x.Equals(b.Stat!.Value));

    /// <summary>Witness keys compared by kind and ordinal path (the default comparer of a tuple is generic code compiled at run time).</summary>
    private sealed class WitnessKeys : IEqualityComparer<(WitnessKind Kind, string Path)>
    {
        public static readonly WitnessKeys Instance = new();

        public bool Equals((WitnessKind Kind, string Path) x, (WitnessKind Kind, string Path) y) => x.Kind == y.Kind && string.Equals(x.Path, y.Path);

        public int GetHashCode((WitnessKind Kind, string Path) key) => key.Path.GetHashCode() * 3 + (int)key.Kind;
    }

    private static bool IsState(string statePath, string path) => path.StartsWith(statePath, StringComparison.Ordinal);

}

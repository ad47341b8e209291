using System.Runtime.InteropServices;
using System.Text;
using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Planning;

namespace DataBuild.State;

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
    private const string Magic = "databuild-uptodate";
    private const int FormatVersion = 2;

    /// <summary>How recent a witnessed timestamp may be, relative to the build's start, and still be trusted.</summary>
    /// <remarks>
    /// A file rewritten within the same timestamp tick as the stat we took, at the same size, looks unchanged (git's
    /// "racy clean"). Timestamps older than the build's start by more than a tick cannot be repeated later. A file
    /// system whose timestamps all have whole seconds (some NFS and Lustre set-ups) gets a two-second margin.
    /// </remarks>
    private static readonly TimeSpan FineTick = TimeSpan.FromMilliseconds(100), CoarseTick = TimeSpan.FromSeconds(2);

    public required long RunId { get; init; }

    public required IReadOnlyList<(string Target, int Nodes)> Rows { get; init; }

    /// <summary>The "Target outputs (n): ..." lines of the build's report.</summary>
    public required IReadOnlyList<string> OutputLines { get; init; }

    public required int Witnesses { get; init; }

    public int NodeCount => Rows.Sum(r => r.Nodes);

    /// <summary>Where the snapshot of one command line lives in the state directory.</summary>
    public static string PathFor(Workspace workspace, IReadOnlyList<string> arguments) =>
        $"{workspace.StateDirectory}/uptodate/{new HashBuilder().AddJoined(arguments, '\0').Build()}";

    /// <summary>The snapshots' directory (every run that writes the state deletes it).</summary>
    public static string DirectoryOf(string statePath) => Path.Combine(Path.GetDirectoryName(statePath)!, "uptodate");

    /// <summary>
    /// Saves the snapshot of a build whose every node was up to date; returns why not when it cannot be trusted
    /// (a node was built or failed, an observation changed during the build, a timestamp is too recent).
    /// Call it after the state is closed, holding the build lock.
    /// </summary>
    public static string? Save(Workspace workspace, IReadOnlyList<string> arguments, BuildOutcome outcome, IReadOnlyList<Witness> observed,
        DateTimeOffset buildStarted, long runId, IReadOnlyList<string> outputLines)
    {
        if (!outcome.Succeeded || outcome.Nodes.Any(n => n.State != NodeState.UpToDate))
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
            o.Write(Digest(outcome).ToString());
            o.Write(runId);
            o.Write(outcome.Targets.Count);
            foreach (var t in outcome.Targets)
            {
                o.Write(t.Name);
                o.Write(t.Nodes.Count);
                o.Write(t.Spec.IsDynamic);
                if (t.Spec.IsDynamic)
                    foreach (var i in t.Nodes) o.Write(outcome.Nodes[i].Partition.ToString());
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
    /// The snapshot of this command line when it still holds: same program, same declarations, every witness
    /// unchanged. Null otherwise (no snapshot, anything different, a damaged file, pipeline code that throws): then
    /// the build runs in full, and reports the problem if there is one.
    /// </summary>
    public static UpToDateSnapshot? TryLoad(PipelineModel model, Workspace workspace, IReadOnlyList<string> arguments, IReadOnlyList<NodeSelector> requested)
    {
        var fs = workspace.FileSystem;
        var path = PathFor(workspace, arguments);
        if (fs.Stat(path) is not { IsDirectory: false } file) return null;
        // The check allocates about what it reads plus a few hundred bytes per partition, all of it garbage at exit:
        // collecting it would only cost time (at 100k partitions, several gen2 collections triggered by large arrays).
        var noGc = false;
        try { noGc = GC.TryStartNoGCRegion(Math.Min(4 * file.Size + (64L << 20), 512L << 20)); }
        catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException) { }
        try
        {
            return Check(model, workspace, arguments, requested, path);
        }
        finally
        {
            if (noGc && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        }
    }

    private static UpToDateSnapshot? Check(PipelineModel model, Workspace workspace, IReadOnlyList<string> arguments, IReadOnlyList<NodeSelector> requested, string path)
    {
        var fs = workspace.FileSystem;
        try
        {
            using var stream = fs.OpenRead(path);
            using var r = new BinaryReader(new BufferedStream(stream, 1 << 16), Encoding.UTF8);
            if (r.ReadString() != Magic || r.ReadInt32() != FormatVersion || r.ReadString() != ProgramStamp().ToString()) return null;
            var count = r.ReadInt32();
            if (count != arguments.Count) return null;
            for (var i = 0; i < count; i++)
                if (r.ReadString() != arguments[i]) return null;
            var digest = r.ReadString();
            var runId = r.ReadInt64();
            var rows = new List<(string, int)>();
            var dynamicKeys = new Dictionary<string, List<PartitionKey>>(StringComparer.Ordinal);
            for (var targets = r.ReadInt32(); targets > 0; targets--)
            {
                var name = r.ReadString();
                var nodes = r.ReadInt32();
                if (nodes < 0 || nodes > r.BaseStream.Length) throw new FormatException("impossible node count");
                rows.Add((name, nodes));
                if (!r.ReadBoolean()) continue;
                var keys = new List<PartitionKey>(nodes);
                for (var i = 0; i < nodes; i++) keys.Add(PartitionKey.Parse(r.ReadString()));
                dynamicKeys[name] = keys;
            }
            var lines = new string[r.ReadInt32()];
            for (var i = 0; i < lines.Length; i++) lines[i] = r.ReadString();
            var witnesses = WitnessTable.Read(r);
            Diagnostics.Timings.Mark("snapshot read");
            if (!witnesses.Unchanged(fs))
            {
                Diagnostics.Timings.Mark("snapshot declined: a witnessed file or listing changed");
                return null;
            }
            Diagnostics.Timings.Mark("witnesses checked", witnesses.Count);
            if (Digest(model, workspace, requested, dynamicKeys, rows).ToString() != digest)
            {
                Diagnostics.Timings.Mark("snapshot declined: the declarations changed");
                return null;
            }
            Diagnostics.Timings.Mark("declarations checked");
            return new UpToDateSnapshot { RunId = runId, Rows = rows, OutputLines = lines, Witnesses = witnesses.Count };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A damaged snapshot, or pipeline code that now throws: the full build runs, and says what is wrong.
            Diagnostics.Timings.Mark($"snapshot declined: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    /// <summary>The declarations of a finished build, from the values its nodes were decided on.</summary>
    private static Hash128 Digest(BuildOutcome outcome)
    {
        var digest = new HashBuilder().Add(Magic);
        foreach (var t in outcome.Targets)
        {
            digest.Add(TargetHash(t.Spec)).Add(t.Nodes.Count);
            foreach (var i in t.Nodes)
            {
                var node = outcome.Nodes[i];
                AddNode(digest, node.Partition, node.Declared);
                for (var d = 0; d < t.Spec.Dependencies.Count; d++)
                {
                    if (t.Spec.Dependencies[d].UpstreamOf is null) continue;
                    digest.Add(node.Dependencies[d].Length);
                    foreach (var up in node.Dependencies[d]) digest.Add(outcome.Nodes[up].Partition.ToString());
                }
            }
        }
        return digest.Build();
    }

    /// <summary>
    /// The same digest, evaluated now: static partitions, and each node's declared values (once per target when
    /// they do not depend on the partition) and mapped dependencies (in parallel when they do).
    /// </summary>
    private static Hash128 Digest(PipelineModel model, Workspace workspace, IReadOnlyList<NodeSelector> requested,
        Dictionary<string, List<PartitionKey>> dynamicKeys, List<(string Target, int Nodes)> rows)
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
                : TargetSelection.StaticPartitions(spec, filters[spec.Name]);
            Diagnostics.Timings.Mark("partitions of " + spec.Name, keys.Count);
            digest.Add(TargetHash(spec)).Add(keys.Count);
            var mapped = spec.Dependencies.Where(d => d.UpstreamOf is not null).ToList();
            if (spec.Task is null || SignatureBuilder.DeclaredPerTarget(spec))
            {
                var declared = spec.Task is null ? Hash128.Empty : signatures.DeclaredHash(spec, PartitionKey.None);
                foreach (var key in keys)
                {
                    AddNode(digest, key, declared);
                    foreach (var d in mapped) AddMapped(digest, d.UpstreamOf!(key).ToList());
                }
                continue;
            }
            // Per-partition values come from pipeline code, which may be slow: evaluate them on every core.
            var perNode = new (Hash128 Declared, List<PartitionKey>[] Mapped)[keys.Count];
            Parallel.For(0, keys.Count, i => perNode[i] = (signatures.DeclaredHash(spec, keys[i]), mapped.Select(d => d.UpstreamOf!(keys[i]).ToList()).ToArray()));
            for (var i = 0; i < keys.Count; i++)
            {
                AddNode(digest, keys[i], perNode[i].Declared);
                foreach (var ups in perNode[i].Mapped) AddMapped(digest, ups);
            }
        }
        return digest.Build();
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
        return builder.Build();
    }

    /// <summary>The program that decides: the files next to it (its code and the pipeline's) and the runtime.</summary>
    private static Hash128 ProgramStamp()
    {
        var builder = new HashBuilder().Add(RuntimeInformation.FrameworkDescription).Add(RuntimeInformation.RuntimeIdentifier);
        var disk = new RealFileSystem("/");
        var files = Directory.GetFiles(AppContext.BaseDirectory);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files.Append(AppContext.BaseDirectory).Append(typeof(object).Assembly.Location))
        {
            var stat = disk.Stat(file) ?? default;
            builder.Add(file).Add(stat.Size).Add(stat.MtimeNs).Add(stat.CtimeNs).Add(stat.Inode);
        }
        return builder.Build();
    }

    private static bool IsState(Workspace workspace, string path) => path.StartsWith(workspace.StatePath, StringComparison.Ordinal);

}

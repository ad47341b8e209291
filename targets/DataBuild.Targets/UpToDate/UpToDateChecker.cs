using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>What a node's inputs and outputs are now: its signature and output hashes, or why they cannot be had.</summary>
public readonly record struct Probe(string? Error, Signature? Signature, (string Path, Hash128? Hash)[]? Outputs);

/// <summary>
/// The one place that decides whether a node is up to date and, if not, exactly why: it compares the node's task
/// key and output hashes now with what the state recorded of its last good build, and explains a changed key input
/// by input. The up-to-date snapshot (<see cref="UpToDateSnapshot"/>) is a cache of this module's answers.
/// </summary>
public sealed class UpToDateChecker
{
    // Shared: in a first build or plan every node gives this one reason, and a million lists of it would be garbage.
    private static readonly List<Reason> NeverBuiltReasons = [new NeverBuilt()];

    private readonly StateStore _state;
    private readonly IReadOnlyList<Node> _nodes;
    private readonly Task<Dictionary<string, NodeRecord>>? _recordsLoad;
    private Dictionary<string, NodeRecord>? _records;
    // A build that keeps most verdicts (PriorVerdicts) reads the records of the nodes it re-checks, one at a time.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, NodeRecord?>? _looked;
    private readonly Dictionary<long, BuildRecord?> _buildCache = [];

    /// <summary>
    /// A checker over the nodes of one build (<paramref name="nodes"/> may grow as targets materialize).
    /// <paramref name="fewNodes"/>: most nodes keep their verdicts, so records and the stat cache are read per node
    /// and file when asked for, not loaded whole. <paramref name="plan"/>: nothing is recorded, and no up-to-date
    /// snapshot saved, so the hasher keeps no account of what it learned (<see cref="FileHasher.Learns"/>).
    /// </summary>
    public UpToDateChecker(StateStore state, Workspace workspace, IReadOnlyList<Node> nodes, bool fewNodes = false, bool plan = false)
    {
        _state = state;
        _nodes = nodes;
        if (fewNodes)
        {
            _looked = new(StringComparer.Ordinal);
            Hasher = new FileHasher(workspace.FileSystem, state.LoadFile) { Clock = workspace.Clock, Learns = !plan };
        }
        else
        {
            var (records, files) = state.LoadInBackground();
            _recordsLoad = records;
            Hasher = new FileHasher(workspace.FileSystem, files) { Clock = workspace.Clock, Learns = !plan };
        }
        Signatures = new SignatureBuilder(Hasher, new ToolIdentity(workspace.Processes, Hasher, workspace.FileSystem.FullPath(".")), workspace.Environment, workspace.Containers);
    }

    /// <summary>Content hashes of files, through the recorded stat cache.</summary>
    public FileHasher Hasher { get; }

    /// <summary>Task keys of nodes.</summary>
    public SignatureBuilder Signatures { get; }

    /// <summary>The recorded state of every node, loaded in the background while targets materialize.</summary>
    private Dictionary<string, NodeRecord> Records => _records ??= _recordsLoad!.GetAwaiter().GetResult();

    /// <summary>What the state recorded of a node, or null when it was never built.</summary>
    public NodeRecord? RecordOf(string node) => _looked is { } looked ? looked.GetOrAdd(node, _state.LoadNode) : Records.GetValueOrDefault(node);

    /// <summary>A recorded build of a node, read once per build.</summary>
    public BuildRecord? LoadBuild(long id)
    {
        if (!_buildCache.TryGetValue(id, out var build)) _buildCache[id] = build = _state.LoadBuild(id);
        return build;
    }

    /// <summary>The node's signature and output hashes now. Safe to call for many nodes at once, on several threads.</summary>
    public Probe Probe(Node node)
    {
        try
        {
            var signature = Signatures.Build(node, _nodes);
            var paths = node.OutputPaths();
            var outputs = new (string Path, Hash128? Hash)[paths.Length];
            for (var i = 0; i < outputs.Length; i++) outputs[i] = (paths[i].Path, Hasher.Hash(paths[i].Path, input: false));
            return new Probe(null, signature, outputs);
        }
        catch (Exception e) when (e is MissingInputException or DeclarationException or InvalidOperationException or IOException or IO.ProcessStartException)
        {
            return new Probe(e.Message, null, null);
        }
    }

    /// <summary>Why <paramref name="node"/> must be built, from its <paramref name="probe"/>; empty when it is up to date.</summary>
    public List<Reason> Reasons(Node node, Probe probe, out Hash128 currentOutputHash)
    {
        var outputs = probe.Outputs!;
        var names = node.Target.Outputs;
        var combined = FileHasher.OutputsBuilder(); // FileHasher.CombineOutputs, without an enumerator per node
        var missing = false;
        for (var i = 0; i < outputs.Length; i++)
        {
            FileHasher.AddOutput(combined, names[i].Name, outputs[i].Hash ?? Hash128.Empty);
            missing |= outputs[i].Hash is null;
        }
        currentOutputHash = combined.Build();
        var record = RecordOf(node.Name);
        var neverBuilt = record?.GoodBuild is null;
        // A never-built node's one reason is that: its missing outputs are not listed, nor a list made for them.
        if (neverBuilt && (missing || !node.Target.BuildOnlyWhenMissing)) return NeverBuiltReasons;
        var reasons = new List<Reason>();
        if (missing)
            foreach (var (path, hash) in outputs)
                if (hash is null) reasons.Add(new OutputMissing(path));
        // Source data: present means current, and a hand edit is new data for dependents, not damage to undo.
        if (node.Target.BuildOnlyWhenMissing) return reasons;
        var goodBuild = record!.GoodBuild!.Value;
        BuildRecord? build = null;
        if (reasons.Count == 0 && currentOutputHash != record.OutputHash)
        {
            build = LoadBuild(goodBuild);
            foreach (var (path, hash) in outputs)
            {
                var recorded = build?.Outputs.FirstOrDefault(o => o.Path == path);
                if (recorded is null || recorded.Hash != hash) reasons.Add(new OutputModified(path));
            }
            if (reasons.Count == 0) reasons.Add(new OutputModified(string.Join(", ", outputs.Select(o => o.Path))));
        }
        var signature = probe.Signature!;
        if (signature.Key != record.TaskKey)
        {
            build ??= LoadBuild(goodBuild);
            var diff = build is null ? [] : Explain(node, build, signature, goodBuild);
            reasons.AddRange(diff.Count > 0 ? diff : [new CommandChanged("(recorded task key)", "(a different task key)")]);
        }
        return reasons;
    }

    // Apart from Reasons, which would otherwise allocate this lambda's closure for every node it checks.
    private List<Reason> Explain(Node node, BuildRecord build, Signature signature, long goodBuild) =>
        Explainer.Diff(build.Inputs, signature.Entries, target => ChangedUpstream(node, target, goodBuild));

    /// <summary>Upstream nodes of <paramref name="target"/> whose outputs changed after <paramref name="sinceBuild"/>.</summary>
    private IEnumerable<string> ChangedUpstream(Node node, string target, long sinceBuild)
    {
        var d = SignatureBuilder.IndexOfDependency(node.Target, target);
        if (d < 0) yield break;
        foreach (var i in node.Dependencies[d])
        {
            var up = _nodes[i];
            if (up.State == NodeState.Built && up.OutputChanged) yield return up.Name;
            else if (RecordOf(up.Name)?.GoodBuild is { } g && g > sinceBuild) yield return up.Name;
        }
    }
}

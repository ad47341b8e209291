using DataBuild.Execution;

namespace DataBuild.Model;

/// <summary>What a running task sees: its partition, where to read, and where to write (a staging path the engine renames into place).</summary>
public sealed class TaskContext
{
    private readonly Invocation _invocation;
    private readonly Func<string, string> _fullPath;

    private readonly Action<string>? _createDirectory;

    internal TaskContext(Invocation invocation, Func<string, string> fullPath, TextWriter log, CancellationToken cancellation,
        Action<string>? createDirectory = null, CancellationToken checkpointRequested = default)
    {
        CheckpointRequested = checkpointRequested;
        _createDirectory = createDirectory;
        _invocation = invocation;
        _fullPath = fullPath;
        Partition = PartitionKey.Parse(invocation.Partition);
        Log = log;
        CancellationToken = cancellation;
    }

    public PartitionKey Partition { get; }

    public string this[string dimension] => Partition[dimension];

    public TextWriter Log { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// Fires when the task is asked to save its checkpoint and stop (on Slurm, the time-limit warning of
    /// <c>.CheckpointSignal</c>, or <c>scancel --signal=USR1</c>): check it between units of work, and throw
    /// (<c>ThrowIfCancellationRequested</c>) once what is done is saved in <see cref="CheckpointDirectory"/>; the node is retried with the same time and resumes.
    /// </summary>
    public CancellationToken CheckpointRequested { get; }

    public int Cores => _invocation.Cores;

    public int Attempt => _invocation.Attempt;

    /// <summary>
    /// An absolute directory that survives failed attempts, time limits, preemptions and restarts of the build, and is
    /// removed once this node succeeds: save progress here and resume from it. Its contents are never part of the task key.
    /// </summary>
    public string CheckpointDirectory
    {
        get
        {
            var directory = _invocation.CheckpointDirectory
                ?? throw new InvalidOperationException($"Target {_invocation.Target}: this run gives the task no checkpoint directory.");
            _createDirectory?.Invoke(directory);
            return _fullPath(directory);
        }
    }

    /// <summary>The absolute staging path to write output <paramref name="name"/> to.</summary>
    public string Output(string name = OutputSpec.DefaultName) =>
        _fullPath((_invocation.Outputs.FirstOrDefault(o => o.Name == name)
            ?? throw new KeyNotFoundException($"Target {_invocation.Target} declares no output '{name}'. Outputs: {string.Join(", ", _invocation.Outputs.Select(o => o.Name))}."))
            .StagingPath);

    /// <summary>The one path of input <paramref name="name"/>.</summary>
    public string Input(string name)
    {
        var paths = Inputs(name);
        return paths.Count == 1 ? paths[0] : throw new InvalidOperationException($"Input '{name}' has {paths.Count} paths; use Inputs(\"{name}\").");
    }

    public IReadOnlyList<string> Inputs(string name) =>
        _invocation.Inputs.TryGetValue(name, out var paths) ? paths.Select(_fullPath).ToList()
            : throw new KeyNotFoundException($"Target {_invocation.Target} declares no input '{name}'. Inputs: {string.Join(", ", _invocation.Inputs.Keys)}.");

    /// <summary>The partitions of an upstream target this node depends on, in partition order, with their output paths.</summary>
    public IReadOnlyList<UpstreamPartition> Upstream(string target) =>
        _invocation.Upstream.TryGetValue(target, out var bindings)
            ? bindings.Select(b => new UpstreamPartition(PartitionKey.Parse(b.Partition), b.Outputs.ToDictionary(o => o.Key, o => _fullPath(o.Value)))).ToList()
            : throw new KeyNotFoundException($"Target {_invocation.Target} does not depend on '{target}'. It depends on: {string.Join(", ", _invocation.Upstream.Keys)}.");

    public string Parameter(string name) =>
        _invocation.Parameters.TryGetValue(name, out var value) ? value
            : throw new KeyNotFoundException($"Target {_invocation.Target} declares no parameter '{name}'.");
}

public sealed record UpstreamPartition(PartitionKey Partition, IReadOnlyDictionary<string, string> Outputs)
{
    public string Output(string name = OutputSpec.DefaultName) => Outputs[name];
}

using System.Globalization;
using System.Text.Json;
using DataBuild.Graph;

namespace DataBuild.Scheduling;

/// <summary>
/// A running build's progress, <c>.databuild/runs/&lt;run&gt;/progress.json</c>, for <c>status</c> from another shell:
/// per target how many nodes are up to date, built, running, queued, waiting and failed, the Slurm jobs still open,
/// the elapsed time and an estimate. Written whole to a temporary file and renamed over the last one (at most once a
/// second, and at the end), so a reader never sees half a file and never waits on the driver or the state's lock.
/// </summary>
public sealed class ProgressFile
{
    public const string FileName = "progress.json";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Workspace _workspace;
    private readonly long _runId;
    private readonly string _command;
    private readonly string _executor;
    private readonly IReadOnlyList<TargetRun> _targets;
    private readonly IReadOnlyList<Node> _nodes;
    private readonly Func<IReadOnlyList<string>> _openJobs;
    private readonly DateTimeOffset _started;
    private readonly TimeSpan _startedElapsed;
    private TimeSpan? _lastWrite;
    private TimeSpan? _firstStart;

    /// <param name="openJobs">The batch jobs not yet finished (none for a local build), asked at each write.</param>
    public ProgressFile(Workspace workspace, long runId, string command, string executor, IReadOnlyList<TargetRun> targets, IReadOnlyList<Node> nodes,
        Func<IReadOnlyList<string>> openJobs)
    {
        (_workspace, _runId, _command, _executor, _targets, _nodes, _openJobs) = (workspace, runId, command, executor, targets, nodes, openJobs);
        _started = workspace.Clock.UtcNow;
        _startedElapsed = workspace.Clock.Elapsed;
    }

    /// <summary>The progress file of run <paramref name="runId"/>, relative to the workspace root.</summary>
    public static string PathOf(Workspace workspace, long runId) =>
        $"{workspace.StateDirectory}/runs/{runId.ToString(CultureInfo.InvariantCulture)}/{FileName}";

    private bool _directoryMade;

    /// <summary>Notes that a node started, was built or failed: the estimate of what is left counts from the first.</summary>
    public void NodeRan() => _firstStart ??= _workspace.Clock.Elapsed;

    /// <summary>Rewrites the file if a second has passed since the last write (or <paramref name="result"/> is given: the build ended).</summary>
    public void Update(string? result = null)
    {
        var now = _workspace.Clock.Elapsed;
        if (result is null && _lastWrite is { } last && now - last < Interval) return;
        _lastWrite = now;
        var path = PathOf(_workspace, _runId);
        var temporary = path + ".tmp";
        // Made before the first write: a create that fails for the missing directory throws first (bench/README.md, round 15).
        if (!_directoryMade) _workspace.FileSystem.CreateDirectory(Path.GetDirectoryName(path)!);
        _directoryMade = true;
        using (var stream = _workspace.FileSystem.Create(temporary))
            Write(stream, result ?? "running", now);
        _workspace.FileSystem.Replace(temporary, path);
    }

    private void Write(Stream stream, string state, TimeSpan now)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = MinimalJsonEncoder.Instance });
        json.WriteStartObject();
        json.WriteNumber("run_id", _runId);
        json.WriteString("state", state);
        json.WriteNumber("pid", Environment.ProcessId);
        json.WriteString("host", Environment.MachineName);
        json.WriteString("command", _command);
        json.WriteString("executor", _executor);
        json.WriteString("started", _started.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("updated", _workspace.Clock.UtcNow.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        json.WriteNumber("elapsed_s", Math.Round((now - _startedElapsed).TotalSeconds, 1));
        int ran = 0, toRun = 0;
        json.WriteStartArray("targets");
        foreach (var t in _targets)
        {
            var c = new int[(int)NodeState.WouldRun + 1]; // every state (WouldRun is the last); Enum.GetValues is reflection at every build
            foreach (var i in t.Nodes) c[(int)_nodes[i].State]++;
            ran += c[(int)NodeState.Built] + c[(int)NodeState.Failed];
            toRun += c[(int)NodeState.Queued] + c[(int)NodeState.Running] + c[(int)NodeState.Waiting];
            json.WriteStartObject();
            json.WriteString("name", t.Name);
            json.WriteNumber("nodes", t.Nodes.Count);
            json.WriteNumber("up_to_date", c[(int)NodeState.UpToDate]);
            json.WriteNumber("built", c[(int)NodeState.Built]);
            json.WriteNumber("running", c[(int)NodeState.Running]);
            json.WriteNumber("queued", c[(int)NodeState.Queued]);
            json.WriteNumber("waiting", c[(int)NodeState.Waiting]);
            json.WriteNumber("failed", c[(int)NodeState.Failed]);
            json.WriteNumber("blocked", c[(int)NodeState.Blocked]);
            json.WriteBoolean("partitions_known", t.Materialized || t.Unavailable is not null);
            if (t.Unavailable is not null) json.WriteString("unavailable", t.Unavailable);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        // The rate so far of tasks that ran, applied to those left: waiting nodes may yet prove up to date, and
        // partitions not discovered yet are not counted, so it is a rough guide, not a promise.
        if (state == "running" && ran > 0 && _firstStart is { } first && now > first)
            json.WriteNumber("estimate_left_s", Math.Round((now - first).TotalSeconds / ran * toRun, 0));
        else json.WriteNull("estimate_left_s");
        // What the cluster put nodes through (preemptions, node failures), as why says it: a long wait is explained.
        json.WriteStartArray("interrupted");
        foreach (var n in _nodes)
            if (Invocations.Interruptions(n) is { } said)
            {
                json.WriteStartObject();
                json.WriteString("node", n.Name);
                json.WriteString("said", said);
                json.WriteEndObject();
            }
        json.WriteEndArray();
        json.WriteStartArray("open_jobs");
        foreach (var job in _openJobs()) json.WriteStringValue(job);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}

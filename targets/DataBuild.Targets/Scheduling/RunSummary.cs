using System.Globalization;
using System.Text;
using System.Text.Json;
using DataBuild.Graph;
using DataBuild.UpToDate;

namespace DataBuild.Scheduling;

/// <summary>
/// What a build's end looks like to a notify command (<c>--notify</c>), as JSON on its stdin: the result and exit
/// code, the run, per-target counts and each failure with its reason and log. Secrets never appear: no values of
/// inputs or environment are written, only names, counts, messages and paths.
/// </summary>
public static class RunSummary
{
    /// <summary>The summary of a build that ran (or found everything up to date).</summary>
    public static string Of(BuildOutcome outcome, int exitCode, string command, DateTimeOffset started, DateTimeOffset ended, Workspace workspace)
    {
        var targets = new List<TargetCounts>(outcome.Targets.Count);
        foreach (var t in outcome.Targets)
        {
            var counts = new TargetCounts(t.Name) { Unavailable = t.Unavailable };
            foreach (var i in t.Nodes) counts.Add(outcome.Nodes[i].State);
            targets.Add(counts);
        }
        var failures = outcome.Nodes.Where(n => n.State == NodeState.Failed).Select(n =>
        {
            var log = Invocations.LogPath(n, workspace);
            return new Failure(n.Name, n.Target.Name, n.Partition.ToString(), n.Error ?? "failed",
                workspace.FileSystem.Stat(log) is null ? null : workspace.FileSystem.FullPath(log));
        }).ToList();
        var result = outcome.Cancelled ? "interrupted" : outcome.Succeeded ? "succeeded" : "failed";
        return Write(result, exitCode, outcome.RunId, command, started, ended, workspace, targets, failures, message: null);
    }

    /// <summary>
    /// The summary of a build that stopped with an error before it had an outcome: "skipped" when another driver held
    /// the lock, "error" otherwise (the message is what the build printed).
    /// </summary>
    public static string Stopped(string result, int exitCode, string command, DateTimeOffset started, DateTimeOffset at, Workspace workspace, string message) =>
        Write(result, exitCode, 0, command, started, at, workspace, [], [], message);

    /// <summary>Per-target counts for a build answered without a graph (the up-to-date snapshot): every node up to date.</summary>
    public static string UpToDate(IReadOnlyList<UpToDateSnapshot.TargetCount> rows, long runId, string command, DateTimeOffset started, DateTimeOffset ended, Workspace workspace)
    {
        var targets = rows.Select(r => new TargetCounts(r.Target) { Nodes = r.Nodes, UpToDate = r.Nodes }).ToList();
        return Write("succeeded", 0, runId, command, started, ended, workspace, targets, [], message: null);
    }

    private static string Write(string result, int exitCode, long runId, string command, DateTimeOffset started, DateTimeOffset ended, Workspace workspace,
        List<TargetCounts> targets, List<Failure> failures, string? message)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("result", result);
            json.WriteNumber("exit_code", exitCode);
            json.WriteNumber("run_id", runId);
            json.WriteString("command", command);
            json.WriteString("host", Environment.MachineName);
            json.WriteString("directory", workspace.FileSystem.FullPath("."));
            json.WriteString("started", started.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("ended", ended.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteNumber("duration_s", Math.Round((ended - started).TotalSeconds, 3));
            if (message is not null) json.WriteString("message", message);
            json.WriteStartArray("targets");
            foreach (var t in targets)
            {
                json.WriteStartObject();
                json.WriteString("name", t.Name);
                json.WriteNumber("nodes", t.Nodes);
                json.WriteNumber("up_to_date", t.UpToDate);
                json.WriteNumber("built", t.Built);
                json.WriteNumber("failed", t.Failed);
                json.WriteNumber("not_run", t.NotRun);
                if (t.Unavailable is not null) json.WriteString("unavailable", t.Unavailable);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("failures");
            foreach (var f in failures)
            {
                json.WriteStartObject();
                json.WriteString("node", f.Node);
                json.WriteString("target", f.Target);
                json.WriteString("partition", f.Partition);
                json.WriteString("reason", f.Reason);
                if (f.Log is null) json.WriteNull("log");
                else json.WriteString("log", f.Log);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private sealed class TargetCounts(string name)
    {
        public string Name { get; } = name;
        public int Nodes { get; set; }
        public int UpToDate { get; set; }
        public int Built { get; set; }
        public int Failed { get; set; }
        public int NotRun { get; set; }
        public string? Unavailable { get; init; }

        public void Add(NodeState state)
        {
            Nodes++;
            if (state == NodeState.UpToDate) UpToDate++;
            else if (state == NodeState.Built) Built++;
            else if (state == NodeState.Failed) Failed++;
            else NotRun++;
        }
    }

    private sealed record Failure(string Node, string Target, string Partition, string Reason, string? Log);
}

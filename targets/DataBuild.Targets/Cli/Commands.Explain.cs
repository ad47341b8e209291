using System.Globalization;
using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.Scheduling;
using DataBuild.State;

namespace DataBuild.Cli;

/// <summary>The read-only commands: why, status and graph. They plan, never build, and never take the lock.</summary>
internal static partial class Commands
{
    public static int Why(PipelineModel model, Workspace workspace, CommandLine line, TextWriter o)
    {
        if (line.Positional.Count != 1) throw new UsageException("Usage: ./build.sh why <Target>[key=value,...] (one node).");
        var selector = NodeSelector.Parse(line.Positional[0]);
        var target = model.Get(selector.Target);
        using var planned = new ReadOnlyPlan(model, workspace, new BuildOptions { Selectors = [selector] });
        var (session, outcome) = (planned.Session, planned.Outcome);
        var candidates = outcome.Nodes.Where(n => n.Target.Name == target.Name && n.Partition.Matches(selector.Filter)).ToList();
        if (candidates.Count != 1)
        {
            var run = outcome.Targets.First(t => t.Name == target.Name);
            if (run.Unavailable is not null) o.WriteLine($"{selector}: {run.Unavailable}.");
            else if (candidates.Count == 0) o.WriteLine($"{selector} is not a node of this build. Partitions of {target.Name}: " +
                string.Join(" ", outcome.Nodes.Where(n => n.Target == target).Take(10).Select(n => n.Partition)) + " ...");
            else o.WriteLine($"{selector} matches {candidates.Count} nodes; name one: {string.Join(" ", candidates.Take(5).Select(n => n.Name))} ...");
            return candidates.Count == 0 && run.Unavailable is null ? DataBuildHost.UsageError : DataBuildHost.Ok;
        }
        var node = candidates[0];
        o.WriteLine(node.Name);
        o.WriteLine(node.State switch
        {
            NodeState.UpToDate => "  up to date",
            NodeState.WouldRun => "  would rebuild:\n" + string.Join("\n", outcome.ReasonsOf(node).Select(r => "    - " + r.Describe())),
            _ => $"  cannot run: {node.Error}",
        });
        var record = session.RecordOf(node.Name);
        if (record?.GoodBuild is { } good && session.LoadBuild(good) is { } build)
        {
            o.WriteLine($"  last built {build.EndedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss} on {build.Host} by {build.Executor}{(build.JobId is null ? "" : " job " + build.JobId)}: " +
                $"wall {build.WallSeconds:F2} s, cpu {Fmt(build.CpuSeconds, "s")}, peak rss {(build.PeakRssKb is { } kb ? $"{kb / 1024.0:F1} MB" : "n/a (in-process, or too short to sample)")}");
            if (build.Message is not null) o.WriteLine($"  {build.Message}");
            if (build.LogPath is not null) o.WriteLine($"  log: {workspace.FileSystem.FullPath(build.LogPath)}");
            o.WriteLine("  recorded inputs:");
            foreach (var e in build.Inputs) o.WriteLine($"    {e.Name}  {(e.Display.Length > 0 ? e.Display : e.Hash.Short)}");
            o.WriteLine("  outputs:");
            foreach (var e in build.Outputs) o.WriteLine($"    {e.Path}  {e.Hash.Short}");
        }
        if (record is { LastStatus: not BuildStatus.Succeeded } && session.LoadBuild(record.LastBuild) is { } last)
            o.WriteLine($"  last attempt {last.Status} at {last.EndedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}: {last.Message}");
        if (record is not null && session.LoadBuild(record.LastBuild) is { } latest)
        {
            // Retries of a transient failure (a service's 503, a rate limit) are part of the story of the last run.
            var attempts = planned.State.History(node.Name).Where(b => b.RunId == latest.RunId).OrderBy(b => b.Attempt).ToList();
            if (attempts.Count > 1)
            {
                o.WriteLine($"  attempts in run {latest.RunId}:");
                foreach (var a in attempts)
                    o.WriteLine($"    {a.Attempt}: {a.Status} at {a.EndedAt.ToLocalTime():HH:mm:ss}{(a.ExitCode is { } code ? $", exit code {code}" : "")}" +
                        (a.Status == BuildStatus.Succeeded || a.Message is null ? "" : $": {a.Message}"));
            }
        }
        return DataBuildHost.Ok;
    }

    public static int Status(PipelineModel model, Workspace workspace, CommandLine line, TextWriter o)
    {
        // A driver is running: its own progress, read from the file it rewrites, without planning or the state.
        if (LiveStatus.Running(workspace) is { } progress)
        {
            o.Write(LiveStatus.Format(progress, workspace.Clock.UtcNow));
            if (!line.Has("watch")) return DataBuildHost.Ok;
            var run = progress.GetProperty("run_id").GetInt64();
            while (true)
            {
                Thread.Sleep(LiveStatus.WatchInterval);
                var path = ProgressFile.PathOf(workspace, run);
                if (LiveStatus.Running(workspace) is { } now && now.GetProperty("run_id").GetInt64() == run)
                {
                    o.Write("\n" + LiveStatus.Format(now, workspace.Clock.UtcNow));
                    continue;
                }
                // Ended (or died): its last word, then the state as it is now.
                o.WriteLine();
                var last = workspace.FileSystem.Stat(path) is null ? null : (System.Text.Json.JsonElement?)System.Text.Json.JsonDocument.Parse(workspace.FileSystem.ReadAllBytes(path)).RootElement;
                if (last is { } final && final.GetProperty("state").GetString() != "running") o.Write(LiveStatus.Format(final, workspace.Clock.UtcNow));
                else o.WriteLine($"The driver of run {run} is gone without finishing (killed?). Rerun the same build to continue: what finished is recorded.");
                break;
            }
            o.WriteLine();
        }
        var selectors = line.Positional.Select(NodeSelector.Parse).ToList();
        using var planned = new ReadOnlyPlan(model, workspace, new BuildOptions { Selectors = selectors });
        var (session, outcome) = (planned.Session, planned.Outcome);
        var width = Math.Max(6, outcome.Targets.Max(t => t.Name.Length));
        o.WriteLine($"{"target".PadRight(width)}  {"up to date",10}  {"stale",6}  {"failed",6}  {"never built",11}");
        foreach (var t in outcome.Targets)
        {
            if (t.Unavailable is not null) { o.WriteLine($"{t.Name.PadRight(width)}  {"?",10}  {"?",6}  {"?",6}  {"?",11}  {t.Unavailable}"); continue; }
            var nodes = ReadOnlyPlan.NodesOf(outcome, t).ToList();
            int upToDate = 0, stale = 0, failed = 0, never = 0;
            foreach (var n in nodes)
            {
                var record = session.RecordOf(n.Name);
                if (n.State == NodeState.UpToDate) upToDate++;
                else if (record is { LastStatus: not BuildStatus.Succeeded } || n.State is NodeState.Failed) failed++;
                else if (record?.GoodBuild is null) never++;
                else stale++;
            }
            o.WriteLine($"{t.Name.PadRight(width)}  {upToDate,10}  {stale,6}  {failed,6}  {never,11}");
        }
        if (LiveStatus.Newest(workspace) is { } latest && LiveStatus.Interrupted(latest) is { Length: > 0 } interrupted)
            o.Write($"In run {latest.GetProperty("run_id").GetInt64()}: {char.ToLowerInvariant(interrupted[0])}{interrupted[1..]}");
        return DataBuildHost.Ok;
    }

    public static int Graph(PipelineModel model, Workspace workspace, CommandLine line, TextWriter o)
    {
        var format = line.Value("format") ?? "dot";
        if (format is not ("dot" or "mermaid")) throw new UsageException($"Unknown graph format '{format}'. Use dot or mermaid.");
        var targets = model.Closure(line.Positional.Count > 0 ? line.Positional.Select(p => NodeSelector.Parse(p).Target) : model.Order);
        var edges = new List<(string From, string To, string Label)>();
        var vertices = new List<(string Id, string Label)>();
        if (line.Has("nodes"))
        {
            using var planned = new ReadOnlyPlan(model, workspace, new BuildOptions { Selectors = line.Positional.Select(NodeSelector.Parse).ToList() });
            var outcome = planned.Outcome;
            foreach (var n in outcome.Nodes)
            {
                vertices.Add(($"n{n.Index}", $"{n.Name}\\n{n.State}"));
                foreach (var d in n.AllDependencies) edges.Add(($"n{d}", $"n{n.Index}", ""));
            }
        }
        else
        {
            foreach (var t in targets)
            {
                vertices.Add((t.Name, t.Description.Length > 0 ? $"{t.Name}\\n{t.Description}" : t.Name));
                foreach (var d in t.Dependencies) edges.Add((d.Target, t.Name, d.UpstreamOf is null ? "" : "mapped"));
                if (t.DynamicSource is { } s) edges.Add((s, t.Name, "partitions from"));
            }
        }
        if (format == "dot")
        {
            o.WriteLine("digraph databuild {");
            o.WriteLine("  rankdir=LR; node [shape=box, fontname=\"Helvetica\"];");
            foreach (var (id, label) in vertices) o.WriteLine($"  \"{id}\" [label=\"{label.Replace("\"", "\\\"")}\"];");
            foreach (var (from, to, label) in edges.Distinct())
                o.WriteLine($"  \"{from}\" -> \"{to}\"{(label.Length > 0 ? $" [label=\"{label}\", style=dashed]" : "")};");
            o.WriteLine("}");
        }
        else
        {
            o.WriteLine("flowchart LR");
            foreach (var (id, label) in vertices) o.WriteLine($"  {Safe(id)}[\"{label.Replace("\\n", "<br/>").Replace("\"", "'")}\"]");
            foreach (var (from, to, label) in edges.Distinct())
                o.WriteLine(label.Length > 0 ? $"  {Safe(from)} -. {label} .-> {Safe(to)}" : $"  {Safe(from)} --> {Safe(to)}");
        }
        return DataBuildHost.Ok;
    }

    private static string Safe(string id) => new(id.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static string Fmt(double? value, string unit) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) + " " + unit : "n/a";
}

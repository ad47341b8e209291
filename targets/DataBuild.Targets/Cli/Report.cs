using DataBuild.Graph;
using DataBuild.Scheduling;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Cli;

/// <summary>What the build and plan commands print at the end: per-target tables, reasons, failures, where outputs are.</summary>
internal static class Report
{
    private const int NodesShownPerTarget = 20;

    public static void Plan(TextWriter o, BuildOutcome outcome, bool verbose)
    {
        var toRun = outcome.Count(NodeState.WouldRun);
        foreach (var t in outcome.Targets)
        {
            if (t.Unavailable is not null) { o.WriteLine($"{t.Name}: {t.Unavailable}"); continue; }
            var nodes = ReadOnlyPlan.NodesOf(outcome, t).ToList();
            var run = nodes.Where(n => n.State == NodeState.WouldRun).ToList();
            var failed = nodes.Where(n => n.State is NodeState.Failed or NodeState.Blocked).ToList();
            o.WriteLine($"{t.Name}: {run.Count} to build, {nodes.Count(n => n.State == NodeState.UpToDate)} up to date" +
                (failed.Count > 0 ? $", {failed.Count} cannot run" : ""));
            foreach (var n in (verbose ? run : run.Take(NodesShownPerTarget)))
                o.WriteLine($"  {n.Name}: {string.Join("; ", outcome.ReasonsOf(n).Select(r => r.Describe()))}");
            if (!verbose && run.Count > NodesShownPerTarget) o.WriteLine($"  ... and {run.Count - NodesShownPerTarget} more (--verbose lists all)");
            foreach (var n in failed) o.WriteLine($"  {n.Name}: cannot run: {n.Error}");
            foreach (var error in t.DiscoveryErrors) o.WriteLine($"  cannot run: {error}");
        }
        o.WriteLine(toRun == 0 && outcome.Targets.All(t => t.Unavailable is null)
            ? $"Nothing to do: all {outcome.Nodes.Count} nodes are up to date."
            : $"Plan: {toRun} node(s) would run{(outcome.Targets.Any(t => t.PendingDiscovery) ? ", plus partitions discovered on the way" : "")}. Nothing was run.");
    }

    /// <summary>Prints the per-target table and the verdict; returns the "outputs" lines it printed (kept by an up-to-date snapshot).</summary>
    public static IReadOnlyList<string> Summary(TextWriter o, BuildOutcome outcome, IReadOnlyList<NodeSelector> requested, Workspace workspace, bool verbose)
    {
        var rows = new List<TableRow>(outcome.Targets.Count);
        foreach (var t in outcome.Targets)
        {
            var row = new TableRow(t.Name, 0, 0, 0, 0, t.Unavailable);
            foreach (var n in ReadOnlyPlan.NodesOf(outcome, t))
            {
                if (n.State == NodeState.UpToDate) row.UpToDate++;
                else if (n.State == NodeState.Built) row.Built++;
                else if (n.State == NodeState.Failed) row.Failed++;
                else if (n.State is NodeState.Blocked or NodeState.Queued or NodeState.Waiting) row.NotRun++;
            }
            rows.Add(row);
        }
        Table(o, rows);
        var failures = outcome.Nodes.Where(n => n.State == NodeState.Failed).ToList();
        foreach (var error in outcome.Targets.SelectMany(t => t.DiscoveryErrors)) o.WriteLine($"FAILED {error}");
        foreach (var n in failures.Take(verbose ? int.MaxValue : 10)) o.WriteLine($"FAILED {n.Name}: {n.Error}");
        if (failures.Count > 10 && !verbose) o.WriteLine($"... and {failures.Count - 10} more failures (--verbose lists all)");
        var built = outcome.Count(NodeState.Built);
        if (outcome.Cancelled) o.WriteLine($"Interrupted after {outcome.Elapsed.TotalSeconds:F1} s: {built} node(s) built and recorded; rerun the same command to continue.");
        else if (failures.Count > 0 || !outcome.Succeeded)
            o.WriteLine($"Build FAILED in {outcome.Elapsed.TotalSeconds:F1} s: {built} built, {failures.Count} failed" +
                (outcome.Targets.Sum(t => t.DiscoveryErrors.Count) is > 0 and var unread ? $", {unread} source(s) whose partitions could not be read" : "") +
                ". Fix the cause and rerun: finished nodes are kept.");
        else if (built == 0) o.WriteLine($"Nothing to do: all {outcome.Nodes.Count} nodes are up to date ({outcome.Elapsed.TotalSeconds:F2} s).");
        else o.WriteLine($"Build succeeded in {outcome.Elapsed.TotalSeconds:F1} s: {built} built, {outcome.Count(NodeState.UpToDate)} up to date.");
        if (!outcome.Succeeded) return [];
        var lines = new List<string>();
        foreach (var selector in requested)
        {
            if (outcome.Targets.FirstOrDefault(t => t.Name == selector.Target) is not { } target) continue;
            var paths = new List<string>();
            foreach (var i in target.Nodes)
            {
                var outputs = outcome.Nodes[i].OutputPaths();
                for (var p = 0; p < outputs.Length; p++) paths.Add(outputs[p].Path);
            }
            if (paths.Count == 0) continue;
            lines.Add($"{selector.Target} outputs ({paths.Count}): {string.Join(", ", paths.Take(5).Select(workspace.FileSystem.FullPath))}{(paths.Count > 5 ? ", ..." : "")}");
        }
        foreach (var line in lines) o.WriteLine(line);
        return lines;
    }

    /// <summary>The same report for a build answered by its up-to-date snapshot.</summary>
    public static void UpToDate(TextWriter o, UpToDateSnapshot snapshot, TimeSpan elapsed)
    {
        var rows = new List<TableRow>(snapshot.Rows.Count);
        foreach (var r in snapshot.Rows) rows.Add(new TableRow(r.Target, r.Nodes, 0, 0, 0, null));
        Table(o, rows);
        // Appended, not interpolated: the interpolation handler's first use costs start-up time, and this line ends
        // every up-to-date answer. Seconds with two decimals, from whole centiseconds.
        var centiseconds = (long)Math.Round(elapsed.TotalMilliseconds / 10);
        o.WriteLine(new System.Text.StringBuilder("Nothing to do: all ").Append(snapshot.NodeCount).Append(" nodes are up to date (")
            .Append(centiseconds / 100).Append('.').Append((char)('0' + centiseconds / 10 % 10)).Append((char)('0' + centiseconds % 10))
            .Append(" s; ").Append(snapshot.Witnesses).Append(" files and directories unchanged since run ").Append(snapshot.RunId)
            .Append(" found them up to date)."));
        foreach (var line in snapshot.OutputLines) o.WriteLine(line);
    }

    // A class, not a tuple: framework generics over a value type of ours are compiled at run time at every start.
    internal sealed class TableRow(string name, int upToDate, int built, int failed, int notRun, string? unavailable)
    {
        public string Name { get; } = name;
        public int UpToDate { get; set; } = upToDate;
        public int Built { get; set; } = built;
        public int Failed { get; set; } = failed;
        public int NotRun { get; set; } = notRun;
        public string? Unavailable { get; } = unavailable;
    }

    internal static void Table(TextWriter o, List<TableRow> rows)
    {
        var width = 6;
        foreach (var r in rows) width = Math.Max(width, r.Name.Length);
        o.WriteLine();
        var line = new System.Text.StringBuilder();
        o.WriteLine(Cells(line, width, "target", "up to date", "built", "failed", "not run"));
        foreach (var r in rows)
        {
            Cells(line, width, r.Name, Number(r.UpToDate), Number(r.Built), Number(r.Failed), Number(r.NotRun));
            if (r.Unavailable is not null) line.Append("  ").Append(r.Unavailable);
            o.WriteLine(line);
        }
    }

    private static string Number(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Padded by hand: PadRight and alignment in interpolated strings run vector code that is compiled at run time.
    private static System.Text.StringBuilder Cells(System.Text.StringBuilder line, int width, string name, string upToDate, string built, string failed, string notRun)
    {
        line.Clear().Append(name);
        Pad(line, width - name.Length);
        Right(line, upToDate, 10);
        Right(line, built, 6);
        Right(line, failed, 6);
        return Right(line, notRun, 7);
    }

    /// <summary>Two spaces, then <paramref name="text"/> right-aligned in <paramref name="width"/> (wider text is not cut).</summary>
    private static System.Text.StringBuilder Right(System.Text.StringBuilder line, string text, int width) =>
        Pad(line, 2 + Math.Max(0, width - text.Length)).Append(text);

    private static System.Text.StringBuilder Pad(System.Text.StringBuilder line, int spaces)
    {
        for (var i = 0; i < spaces; i++) line.Append(' ');
        return line;
    }
}

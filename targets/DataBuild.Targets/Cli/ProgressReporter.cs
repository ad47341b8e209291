using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Scheduling;
using Spectre.Console;

namespace DataBuild.Cli;

/// <summary>A live Spectre.Console display on a terminal: one bar per target with counts, running tasks and ETA.</summary>
internal sealed class ProgressReporter : IBuildReporter
{
    private readonly ProgressContext _context;
    private readonly Dictionary<string, (ProgressTask Task, int Built, int UpToDate, int Failed, int Running)> _targets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private ProgressReporter(ProgressContext context) => _context = context;

    public static BuildOutcome Run(PipelineModel model, Func<IBuildReporter, Task<BuildOutcome>> build) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(ctx => build(new ProgressReporter(ctx)))
            .GetAwaiter().GetResult();

    public void Materialized(TargetRun target)
    {
        lock (_lock)
        {
            var task = _context.AddTask(Markup.Escape(target.Name), maxValue: Math.Max(1, target.Nodes.Count));
            if (target.Unavailable is not null) task.Description = Markup.Escape($"{target.Name}: {target.Unavailable}");
            if (target.Nodes.Count == 0) task.Value = task.MaxValue;
            _targets[target.Name] = (task, 0, 0, 0, 0);
        }
    }

    public void Checked(Node node)
    {
        if (!node.IsFinished) return;
        Update(node, e => node.State == NodeState.UpToDate ? e with { UpToDate = e.UpToDate + 1 } : e with { Failed = e.Failed + 1 }, increment: true);
    }

    public void Started(Node node) => Update(node, e => e with { Running = e.Running + 1 }, increment: false);

    public void Finished(Node node, RunResult result, bool willRetry) =>
        Update(node, e => e with
        {
            Running = e.Running - 1,
            Built = e.Built + (result.Succeeded ? 1 : 0),
            Failed = e.Failed + (!result.Succeeded && !willRetry ? 1 : 0),
        }, increment: !willRetry);

    private void Update(Node node, Func<(ProgressTask Task, int Built, int UpToDate, int Failed, int Running), (ProgressTask Task, int Built, int UpToDate, int Failed, int Running)> change, bool increment)
    {
        lock (_lock)
        {
            if (!_targets.TryGetValue(node.Target.Name, out var entry)) return;
            entry = change(entry);
            _targets[node.Target.Name] = entry;
            if (increment) entry.Task.Increment(1);
            var parts = new List<string>();
            if (entry.Built > 0) parts.Add($"{entry.Built} built");
            if (entry.UpToDate > 0) parts.Add($"{entry.UpToDate} up to date");
            if (entry.Running > 0) parts.Add($"{entry.Running} running");
            if (entry.Failed > 0) parts.Add($"[red]{entry.Failed} failed[/]");
            entry.Task.Description = $"{Markup.Escape(node.Target.Name)} {string.Join(", ", parts)}";
        }
    }
}

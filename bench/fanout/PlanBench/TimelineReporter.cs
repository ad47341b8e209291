using System.Diagnostics;
using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.Scheduling;

namespace DataBuild.Bench.Fanout;

/// <summary>Timestamps per target: when its nodes were created, when the first and last were decided.</summary>
public sealed class TimelineReporter(Stopwatch clock) : IBuildReporter
{
    private readonly Dictionary<string, (double Materialized, double FirstChecked, double LastChecked, int Checked)> _targets = new();

    public void Materialized(TargetRun target) => _targets[target.Name] = (clock.Elapsed.TotalSeconds, 0, 0, 0);

    public void Checked(Node node)
    {
        var now = clock.Elapsed.TotalSeconds;
        var t = _targets[node.Target.Name];
        _targets[node.Target.Name] = (t.Materialized, t.Checked == 0 ? now : t.FirstChecked, now, t.Checked + 1);
    }

    public void Started(Node node) { }

    public void Finished(Node node, RunResult result, bool willRetry) { }

    public void Write(TextWriter o, double sessionCreated)
    {
        o.WriteLine($"  {sessionCreated,7:F2} s  session created (state loaded)");
        foreach (var (name, t) in _targets)
            o.WriteLine($"  {t.Materialized,7:F2} s  {name}: nodes created; decided {t.FirstChecked:F2} .. {t.LastChecked:F2} s ({t.Checked} nodes)");
    }
}

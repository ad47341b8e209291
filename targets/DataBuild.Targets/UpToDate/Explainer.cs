using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>Turns "the task key differs" into the reasons a person can act on, by diffing the recorded components.</summary>
public static class Explainer
{
    public static List<Reason> Diff(IReadOnlyList<InputEntry> recorded, IReadOnlyList<InputEntry> current, Func<string, IEnumerable<string>> changedUpstream)
    {
        var reasons = new List<Reason>();
        var old = recorded.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var now = current.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var e in current)
        {
            if (old.TryGetValue(e.Name, out var before) && before.Hash == e.Hash) continue;
            reasons.AddRange(Describe(e.Name, before, e, changedUpstream));
        }
        foreach (var e in recorded)
            if (!now.ContainsKey(e.Name)) reasons.AddRange(Describe(e.Name, e, null, changedUpstream));
        return reasons;
    }

    private static IEnumerable<Reason> Describe(string name, InputEntry? before, InputEntry? after, Func<string, IEnumerable<string>> changedUpstream)
    {
        var colon = name.IndexOf(':');
        var kind = colon < 0 ? name : name[..colon];
        var label = colon < 0 ? name : name[(colon + 1)..];
        var oldText = before is null ? "(none)" : Show(before);
        var newText = after is null ? "(none)" : Show(after);
        switch (kind)
        {
            case "task":
            case "command":
                yield return new CommandChanged(oldText, newText);
                break;
            case "tool":
                yield return new ToolChanged(label, oldText, newText);
                break;
            case "container":
                yield return new ContainerChanged(label, oldText, newText);
                break;
            case "param":
                yield return new ParametersChanged(label, oldText, newText);
                break;
            case "upstream":
                var nodes = changedUpstream(label).ToList();
                if (nodes.Count == 0) yield return new UpstreamChanged(label);
                foreach (var n in nodes.Take(5)) yield return new UpstreamChanged(n);
                if (nodes.Count > 5) yield return new UpstreamChanged($"... and {nodes.Count - 5} more of {label}");
                break;
            default:
                yield return new InputChanged(name, oldText, newText);
                break;
        }
    }

    // Values people can read (parameters, commands) are shown as is; contents by a short hash.
    private static string Show(InputEntry e) => e.Display.Length > 0 ? e.Display : e.Hash.Short;
}

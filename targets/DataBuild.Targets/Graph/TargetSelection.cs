using DataBuild.Model;

namespace DataBuild.Graph;

/// <summary>
/// What a build covers: the closure of the requested targets in model order, and the partition filters that reach
/// each of them (a filter on field=296 applies to every upstream target reached through joins on shared dimensions).
/// One definition for the build session and the up-to-date snapshot, which must select exactly the same partitions.
/// </summary>
public static class TargetSelection
{
    /// <summary>The targets and, by name, their filters: null or empty means every partition.</summary>
    public static (IReadOnlyList<TargetSpec> Order, Dictionary<string, List<PartitionKey>?> Filters) Resolve(PipelineModel model, IReadOnlyList<NodeSelector> requested)
    {
        // Loops, not LINQ: an up-to-date check passes here, and each LINQ shape's first use costs it type loads.
        var selectors = requested;
        if (selectors.Count == 0)
        {
            var all = new List<NodeSelector>(model.Order.Count);
            foreach (var t in model.Order) all.Add(new NodeSelector(t, PartitionKey.None));
            selectors = all;
        }
        var names = new List<string>(selectors.Count);
        foreach (var s in selectors) names.Add(s.Target);
        var order = model.Closure(names);
        var filters = new Dictionary<string, List<PartitionKey>?>(order.Count, StringComparer.Ordinal);
        foreach (var t in order) filters[t.Name] = null;
        foreach (var selector in selectors)
        {
            var name = model.Get(selector.Target).Name;
            if (selector.Filter.Count == 0)
            {
                foreach (var t in model.Closure([name])) filters[t.Name] = [];
                continue;
            }
            var stack = new Stack<string>([name]);
            var seen = new HashSet<string>();
            while (stack.Count > 0)
            {
                var t = model.Targets[stack.Pop()];
                if (!seen.Add(t.Name)) continue;
                if (filters[t.Name] is not { Count: 0 }) (filters[t.Name] ??= []).Add(selector.Filter);
                foreach (var d in t.Dependencies)
                    if (d.UpstreamOf is null) stack.Push(d.Target);
                if (t.DynamicSource is { } src) stack.Push(src);
            }
        }
        return (order, filters);
    }

    /// <summary>
    /// A target's static partitions as a build creates its nodes: filtered, first occurrence of each key kept.
    /// <paramref name="expected"/> sizes the result when the partitions come from an iterator (a guess: the count of
    /// the last build, which an up-to-date check knows); growing a set of 100k keys from empty copies it 17 times.
    /// </summary>
    public static List<PartitionKey> StaticPartitions(TargetSpec target, List<PartitionKey>? filters, int expected = 0)
    {
        try
        {
            var all = target.StaticPartitions?.Invoke() ?? [PartitionKey.None];
            if (filters is not { Count: > 0 } && all is IReadOnlyCollection<PartitionKey> known) expected = known.Count;
            var keys = new List<PartitionKey>(expected);
            var seen = new HashSet<PartitionKey>(expected);
            foreach (var key in all)
                if ((filters is not { Count: > 0 } || MatchesAny(key, filters)) && seen.Add(key)) keys.Add(key);
            return keys;
        }
        catch (ArgumentException e)
        {
            // A partition value made from a parameter (--tags ../x) that cannot be a path segment: fix the value, exit 2.
            throw new PipelineDefinitionException($"The partitions of {target.Name}: {e.Message}");
        }
    }

    private static bool MatchesAny(PartitionKey key, List<PartitionKey> filters)
    {
        foreach (var f in filters)
            if (key.Matches(f)) return true;
        return false;
    }
}

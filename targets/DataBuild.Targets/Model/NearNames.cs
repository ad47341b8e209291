namespace DataBuild.Model;

/// <summary>Names close to a mistyped one, for "did you mean" hints in usage errors.</summary>
public static class NearNames
{
    /// <summary>
    /// Up to <paramref name="max"/> of <paramref name="known"/>, nearest first, within a few edits of <paramref name="name"/>
    /// (letter case ignored; a third of its length, at least one).
    /// </summary>
    public static List<string> To(string name, IEnumerable<string> known, int max = 3)
    {
        var limit = Math.Max(1, name.Length / 3);
        var near = new List<(string Name, int Distance)>();
        foreach (var candidate in known)
        {
            var distance = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance <= limit && !near.Exists(n => n.Name == candidate)) near.Add((candidate, distance));
        }
        near.Sort((a, b) => a.Distance != b.Distance ? a.Distance - b.Distance : string.CompareOrdinal(a.Name, b.Name));
        return near.Take(max).Select(n => n.Name).ToList();
    }

    /// <summary>" Did you mean 'a' or 'b'?" (each name wrapped in <paramref name="before"/> and <paramref name="after"/>), or "" when none is near.</summary>
    public static string Hint(string name, IEnumerable<string> known, string before = "'", string after = "'")
    {
        var near = To(name, known);
        return near.Count == 0 ? "" : $" Did you mean {string.Join(" or ", near.Select(n => before + n + after))}?";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}

using System.Runtime.CompilerServices;
using DataBuild.Model;

namespace DataBuild.Model;

/// <summary>Expands <c>{dimension}</c> placeholders in output and input paths with a partition's values.</summary>
public static class PathTemplate
{
    public static string Expand(string template, PartitionKey partition, string owner)
    {
        if (template.IndexOf('{') < 0) return template;
        // A pooled buffer, not a StringBuilder: every node expands its paths, and only the result should allocate.
        var sb = new DefaultInterpolatedStringHandler(template.Length + 16, 0);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0) { sb.AppendFormatted(template.AsSpan(i)); break; }
            var close = template.IndexOf('}', open);
            if (close < 0) throw new InvalidOperationException($"{owner}: unclosed '{{' in '{template}'.");
            sb.AppendFormatted(template.AsSpan(i, open - i));
            var name = template.AsSpan(open + 1, close - open - 1);
            if (!partition.TryGet(name, out var value))
                throw new InvalidOperationException(
                    $"{owner}: '{template}' uses {{{name}}}, but its partitions have {(partition.Count == 0 ? "no dimensions" : string.Join(", ", partition.Names.Select(n => "{" + n + "}")))}.");
            sb.AppendFormatted(value);
            i = close + 1;
        }
        return sb.ToStringAndClear();
    }
}

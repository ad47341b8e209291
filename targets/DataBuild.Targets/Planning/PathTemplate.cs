using System.Text;
using DataBuild.Model;

namespace DataBuild.Planning;

/// <summary>Expands <c>{dimension}</c> placeholders in output and input paths with a partition's values.</summary>
public static class PathTemplate
{
    public static string Expand(string template, PartitionKey partition, string owner)
    {
        if (template.IndexOf('{') < 0) return template;
        var sb = new StringBuilder(template.Length + 16);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('{', i);
            if (open < 0) { sb.Append(template, i, template.Length - i); break; }
            var close = template.IndexOf('}', open);
            if (close < 0) throw new InvalidOperationException($"{owner}: unclosed '{{' in '{template}'.");
            sb.Append(template, i, open - i);
            var name = template[(open + 1)..close];
            if (!partition.TryGet(name, out var value))
                throw new InvalidOperationException(
                    $"{owner}: '{template}' uses {{{name}}}, but its partitions have {(partition.Count == 0 ? "no dimensions" : string.Join(", ", partition.Names.Select(n => "{" + n + "}")))}.");
            sb.Append(value);
            i = close + 1;
        }
        return sb.ToString();
    }
}

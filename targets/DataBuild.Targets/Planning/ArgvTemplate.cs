using System.Text;
using DataBuild.Model;

namespace DataBuild.Planning;

/// <summary>
/// Expands an argv template element by element. A placeholder that stands alone may expand to several arguments
/// (<c>{in:name}</c> of a glob, <c>{deps:Target}</c>); inside a larger argument it must have exactly one value.
/// Values are never passed through a shell.
/// </summary>
public static class ArgvTemplate
{
    public delegate IReadOnlyList<string> Resolver(string placeholder);

    public static string[] Expand(IReadOnlyList<string> template, Resolver resolve, string owner)
    {
        var result = new List<string>(template.Count);
        foreach (var element in template)
        {
            if (element.Length > 2 && element[0] == '{' && element[^1] == '}' && element.IndexOf('{', 1) < 0)
            {
                result.AddRange(resolve(element[1..^1]));
                continue;
            }
            var sb = new StringBuilder();
            var i = 0;
            while (i < element.Length)
            {
                var open = element.IndexOf('{', i);
                if (open < 0) { sb.Append(element, i, element.Length - i); break; }
                var close = element.IndexOf('}', open);
                if (close < 0) throw new InvalidOperationException($"{owner}: unclosed '{{' in argument '{element}'.");
                sb.Append(element, i, open - i);
                var values = resolve(element[(open + 1)..close]);
                if (values.Count != 1)
                    throw new InvalidOperationException(
                        $"{owner}: {{{element[(open + 1)..close]}}} has {values.Count} values, so it must be an argument of its own, not part of '{element}'.");
                sb.Append(values[0]);
                i = close + 1;
            }
            result.Add(sb.ToString());
        }
        return result.ToArray();
    }

    /// <summary>Resolves the standard placeholders of a node.</summary>
    public static Resolver For(PartitionKey partition, Func<string, string> outputPath, IReadOnlyDictionary<string, string[]> inputs,
        Func<string, string, IReadOnlyList<string>> upstreamOutputs, IReadOnlyDictionary<string, string> parameters, int cores, string owner) =>
        placeholder =>
        {
            var colon = placeholder.IndexOf(':');
            var kind = colon < 0 ? placeholder : placeholder[..colon];
            var arg = colon < 0 ? "" : placeholder[(colon + 1)..];
            switch (kind)
            {
                case "out":
                    return [outputPath(arg.Length == 0 ? OutputSpec.DefaultName : arg)];
                case "in":
                    return inputs.TryGetValue(arg, out var paths) ? paths
                        : throw new InvalidOperationException($"{owner}: {{in:{arg}}} names no input. Inputs: {string.Join(", ", inputs.Keys)}.");
                case "deps":
                    var parts = arg.Split(':');
                    return upstreamOutputs(parts[0], parts.Length > 1 ? parts[1] : OutputSpec.DefaultName);
                case "param":
                    return parameters.TryGetValue(arg, out var value) ? [value]
                        : throw new InvalidOperationException($"{owner}: {{param:{arg}}} names no parameter. Parameters: {string.Join(", ", parameters.Keys)}.");
                case "cores":
                    return [cores.ToString(System.Globalization.CultureInfo.InvariantCulture)];
                default:
                    return partition.TryGet(placeholder, out var dim) ? [dim]
                        : throw new InvalidOperationException(
                            $"{owner}: unknown placeholder {{{placeholder}}}. Use {{out}}, {{out:name}}, {{in:name}}, {{deps:Target}}, {{param:name}}, {{cores}} or a dimension ({string.Join(", ", partition.Names)}).");
            }
        };
}

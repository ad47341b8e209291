using System.Text;
using DataBuild.Model;

namespace DataBuild.Model;

/// <summary>
/// Expands an argv template element by element. A placeholder that stands alone may expand to several arguments
/// (<c>{in:name}</c> of a glob, <c>{deps:Target}</c>); inside a larger argument it must have exactly one value.
/// Values are never passed through a shell.
/// </summary>
public static class ArgvTemplate
{
    /// <summary>What a node's placeholders stand for.</summary>
    public interface IPlaceholders
    {
        /// <summary>Appends the values of <paramref name="placeholder"/> (without braces) to <paramref name="into"/>.</summary>
        void Resolve(string placeholder, List<string> into);
    }

    // A template is parsed once per target, not once per node: a million nodes share a handful of templates.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<string>, Element[]> Parsed = new();

    // The argv under construction, one per thread: expanding it allocates only the strings and the final array.
    [ThreadStatic] private static List<string>? t_argv;

    /// <summary>One argument of a template: a lone placeholder (may expand to several arguments) or literal text with placeholders in it.</summary>
    private sealed record Element(string Text, string? Alone, (string Literal, string? Placeholder)[] Parts);

    public static string[] Expand<T>(IReadOnlyList<string> template, ref T placeholders, string owner) where T : struct, IPlaceholders
    {
        if (!Parsed.TryGetValue(template, out var elements)) elements = ParseOnce(template, owner);
        var result = t_argv ??= [];
        result.Clear();
        foreach (var element in elements)
        {
            if (element.Alone is { } placeholder)
            {
                placeholders.Resolve(placeholder, result);
                continue;
            }
            if (element.Parts.Length == 0)
            {
                result.Add(element.Text);
                continue;
            }
            var sb = new StringBuilder();
            foreach (var (literal, inner) in element.Parts)
            {
                sb.Append(literal);
                if (inner is null) continue;
                var at = result.Count;
                placeholders.Resolve(inner, result);
                var count = result.Count - at;
                if (count != 1)
                    throw new InvalidOperationException(
                        $"{owner}: {{{inner}}} has {count} values, so it must be an argument of its own, not part of '{element.Text}'.");
                sb.Append(result[at]);
                result.RemoveAt(at);
            }
            result.Add(sb.ToString());
        }
        var argv = result.ToArray();
        result.Clear();
        return argv;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Kind, string Arg)> Splits = new(StringComparer.Ordinal);

    /// <summary><c>in:raw</c> -> (<c>in</c>, <c>raw</c>); <c>out</c> -> (<c>out</c>, ""). Cached: templates repeat the same few.</summary>
    // Apart from Expand, whose every call would otherwise allocate this lambda's closure.
    private static Element[] ParseOnce(IReadOnlyList<string> template, string owner) => Parsed.GetValue(template, t => Parse(t, owner));

    private static (string Kind, string Arg) Split(string placeholder) =>
        Splits.GetOrAdd(placeholder, p => p.IndexOf(':') is var colon and >= 0 ? (p[..colon], p[(colon + 1)..]) : (p, ""));

    private static Element[] Parse(IReadOnlyList<string> template, string owner)
    {
        var elements = new Element[template.Count];
        for (var e = 0; e < elements.Length; e++)
        {
            var text = template[e];
            if (text.Length > 2 && text[0] == '{' && text[^1] == '}' && text.IndexOf('{', 1) < 0)
            {
                elements[e] = new Element(text, text[1..^1], []);
                continue;
            }
            var parts = new List<(string, string?)>();
            var i = 0;
            while (i < text.Length)
            {
                var open = text.IndexOf('{', i);
                if (open < 0) { parts.Add((text[i..], null)); break; }
                var close = text.IndexOf('}', open);
                if (close < 0) throw new InvalidOperationException($"{owner}: unclosed '{{' in argument '{text}'.");
                parts.Add((text[i..open], text[(open + 1)..close]));
                i = close + 1;
            }
            var placeholders = false;
            foreach (var p in parts) placeholders |= p.Item2 is not null;
            elements[e] = new Element(text, null, placeholders ? parts.ToArray() : []);
        }
        return elements;
    }

    /// <summary>
    /// What <c>{checkpoint}</c> stands for in the task key: the placeholder itself, so that where checkpoints are kept never
    /// changes a key (the invocation gets the real directory).
    /// </summary>
    public const string CheckpointPlaceholder = "{checkpoint}";

    /// <summary>
    /// Resolves the standard placeholders of a node into <paramref name="into"/>. <paramref name="resources"/> gives
    /// <c>{mem}</c>, <c>{gpus}</c> and <c>{tmp}</c> of a run; without it (the task key's view) they stay as written, so
    /// neither more memory nor a run's scratch path changes the key. <c>{out...}</c> and <c>{deps:...}</c> are the
    /// caller's: this returns false for them.
    /// </summary>
    public static bool TryResolveStandard(string placeholder, List<string> into, PartitionKey partition, IReadOnlyDictionary<string, string[]> inputs,
        IReadOnlyDictionary<string, string> parameters, int cores, string owner, Func<string, string>? resources, string checkpoint)
    {
        var (kind, arg) = Split(placeholder);
        switch (kind)
        {
            case "out" or "deps":
                return false;
            case "in":
                into.AddRange(inputs.TryGetValue(arg, out var paths) ? paths
                    : throw new InvalidOperationException($"{owner}: {{in:{arg}}} names no input. Inputs: {string.Join(", ", inputs.Keys)}."));
                return true;
            case "param":
                into.Add(parameters.TryGetValue(arg, out var value) ? value
                    : throw new InvalidOperationException($"{owner}: {{param:{arg}}} names no parameter. Parameters: {string.Join(", ", parameters.Keys)}."));
                return true;
            case "cores":
                into.Add(cores.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return true;
            case "checkpoint":
                into.Add(checkpoint);
                return true;
            case "mem" or "gpus" or "tmp" when arg.Length == 0:
                into.Add(resources is null ? "{" + kind + "}" : resources(kind));
                return true;
            default:
                into.Add(partition.TryGet(placeholder, out var dim) ? dim
                    : throw new InvalidOperationException(
                        $"{owner}: unknown placeholder {{{placeholder}}}. Use {{out}}, {{out:name}}, {{in:name}}, {{deps:Target}}, {{param:name}}, {{cores}}, {{mem}}, {{gpus}}, {{tmp}}, {{checkpoint}} or a dimension ({string.Join(", ", partition.Names)})."));
                return true;
        }
    }

    /// <summary>(<c>out</c>, output name) or (<c>deps</c>, target name, output name) of a placeholder the caller resolves.</summary>
    public static (string Kind, string Name, string Output) CallerPart(string placeholder)
    {
        var (kind, arg) = Split(placeholder);
        if (kind == "out") return (kind, arg.Length == 0 ? OutputSpec.DefaultName : arg, "");
        var colon = arg.IndexOf(':');
        return colon < 0 ? (kind, arg, OutputSpec.DefaultName) : (kind, arg[..colon], arg[(colon + 1)..]);
    }
}

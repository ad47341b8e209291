using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Graph;

/// <summary>What the user asked for: a target, optionally narrowed to partitions, e.g. <c>Features[field=296,ccd=3]</c>.</summary>
public sealed record NodeSelector(string Target, PartitionKey Filter)
{
    public static NodeSelector Parse(string text)
    {
        var open = text.IndexOf('[');
        if (open < 0) return new NodeSelector(text, PartitionKey.None);
        if (!text.EndsWith(']')) throw new UsageException($"Expected Target[key=value,...], got '{text}'.");
        try
        {
            return new NodeSelector(text[..open], PartitionKey.Parse(text[(open + 1)..^1]));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new UsageException($"Cannot read '{text}': {e.Message}");
        }
    }

    public override string ToString() => Filter.Count == 0 ? Target : $"{Target}[{Filter}]";
}

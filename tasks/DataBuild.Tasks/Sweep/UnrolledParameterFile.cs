using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataBuild.Tasks.Sweep;

/// <summary>
/// An "unrolled parameter file": JSON lines, one run's parameters (a JSON object) per line; blank lines are
/// skipped. Each line is merged over the defaults into one <see cref="RunConfig"/>.
/// </summary>
public static class UnrolledParameterFile
{
    public static IReadOnlyList<RunConfig> Expand(string defaultsJson, string unrolledLines)
    {
        var defaults = ParseObject(defaultsJson, "the defaults");
        var runs = new List<RunConfig>();
        var lines = unrolledLines.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var parameters = ParseObject(lines[i], $"line {i + 1}");
            runs.Add(RunConfig.Create(i + 1, ConfigMerge.DeepMerge(defaults, parameters)));
        }

        // Two lines giving one config would collide on the run's outputs; say which lines so one can be removed.
        var duplicate = runs.GroupBy(r => r.RunId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new FormatException(
                $"Lines {string.Join(" and ", duplicate.Select(r => r.Line))} give the same run config (id {duplicate.Key}); remove all but one.");
        return runs;
    }

    private static JsonObject ParseObject(string json, string where)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (JsonException e) { throw new FormatException($"Unrolled parameter file, {where}: not valid JSON ({e.Message})", e); }
        return node as JsonObject
               ?? throw new FormatException($"Unrolled parameter file, {where}: expected a JSON object, got {node?.GetValueKind().ToString() ?? "null"}.");
    }
}

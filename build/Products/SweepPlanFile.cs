using System.Text.Json.Nodes;

namespace DataBuild.Pipelines.Products;

/// <summary>
/// out/sweep/plan.jsonl: one line per planned run, {"run": id, "line": n, "config": {...canonical...}}. Read when
/// Runs is discovered and, for each run's config parameter, once per process: by then SweepPlan is built.
/// </summary>
internal static class SweepPlanFile
{
    public const string Path = "out/sweep/plan.jsonl";

    private static Dictionary<string, string>? _configs;

    public static IReadOnlyList<(string RunId, int Line, string Config)> Read(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l =>
        {
            var node = JsonNode.Parse(l)!.AsObject();
            return ((string)node["run"]!, (int)node["line"]!, node["config"]!.ToJsonString());
        }).ToList();

    /// <summary>The canonical config of a planned run.</summary>
    public static string ConfigOf(string runId)
    {
        var configs = _configs ??= Read(Path).ToDictionary(p => p.RunId, p => p.Config);
        return configs.TryGetValue(runId, out var config) ? config
            : throw new KeyNotFoundException($"Run {runId} is not in {Path}; rebuild SweepPlan.");
    }
}

using System.Text.Json.Nodes;

namespace DataBuild.Tasks.Sweep;

/// <summary>
/// Deep merge of a run's parameters over the defaults: objects merge key by key, recursively; anything else
/// (numbers, strings, arrays, null) in the line replaces the default whole. Inputs are not modified.
/// </summary>
public static class ConfigMerge
{
    public static JsonObject DeepMerge(JsonObject defaults, JsonObject line)
    {
        var merged = (JsonObject)defaults.DeepClone();
        foreach (var (key, value) in line)
        {
            if (value is JsonObject lineObject && merged[key] is JsonObject defaultObject)
                merged[key] = DeepMerge(defaultObject, lineObject);
            else
                merged[key] = value?.DeepClone();
        }
        return merged;
    }
}

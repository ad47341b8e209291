using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataBuild.Tasks.Sweep;

/// <summary>
/// Reads a JSON number whatever backs the node: a value parsed from text holds a JsonElement, one built in code
/// holds an int or a double, and JsonValue.TryGetValue does not convert between them. Going through the
/// node's JSON text treats all of them alike.
/// </summary>
internal static class JsonNumber
{
    public static JsonElement? Element(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? JsonDocument.Parse(value.ToJsonString()).RootElement.Clone()
            : null;
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DataBuild.Tasks.Sweep;

/// <summary>
/// One text per JSON meaning: compact, object keys sorted ordinally, numbers normalised (an integer that fits
/// in a long is written as one, any other number as the shortest round-trip double, so 1, 1.0 and 1e0 agree).
/// Run ids hash this text, so key order and number spelling in the input files cannot change an id.
/// </summary>
public static class CanonicalJson
{
    public static string Write(JsonNode? node)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
            Write(writer, node);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValue when JsonNumber.Element(node) is { } element:
                if (element.TryGetInt64(out var integer)) writer.WriteNumberValue(integer);
                else
                {
                    var number = element.GetDouble();
                    if (number == Math.Floor(number) && Math.Abs(number) < 9e15) writer.WriteNumberValue((long)number);
                    else writer.WriteNumberValue(number);
                }
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}

using System.Text;
using System.Text.Json;
using DataBuild.Scheduling;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>The escaping of progress.json: JSON's own, so that any command line or node name reads back exactly.</summary>
public sealed class MinimalJsonEncoderTests
{
    private static string Written(string value)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = MinimalJsonEncoder.Instance }))
        {
            json.WriteStartObject();
            json.WriteString("command", value);
            json.WriteString(value, "as a property name");
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Theory]
    [InlineData("./build.sh Predictions --fields 296")]
    [InlineData("say \"hi\" \\ back\\slash")]
    [InlineData("tab\there, newline\nthere, return\r, bell\u0007, nul\u0000, unit separator\u001f")]
    [InlineData("caf\u00e9 \u4e2d\u6587 \U0001F52D <script>&amp;'")]
    public void Any_string_reads_back_exactly_as_value_and_as_property_name(string value)
    {
        var root = JsonDocument.Parse(Written(value)).RootElement;

        Assert.Equal(value, root.GetProperty("command").GetString());
        Assert.Equal("as a property name", root.GetProperty(value).GetString());
    }

    [Fact]
    public void Only_quotes_backslashes_and_control_characters_are_escaped_and_text_stays_readable()
    {
        var text = Written("q\"b\\c\u0001 caf\u00e9 \U0001F52D <&>'");

        Assert.Contains("\"command\":\"q\\\"b\\\\c\\u0001 caf\u00e9 \U0001F52D <&>'\"", text);
    }
}

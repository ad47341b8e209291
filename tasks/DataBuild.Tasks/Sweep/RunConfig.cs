using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;

namespace DataBuild.Tasks.Sweep;

/// <summary>
/// One training run: its merged configuration, the line of the unrolled parameter file it came from (1-based),
/// and a stable id, the first 16 hex digits of XxHash3 over the canonical JSON of the config.
/// </summary>
public sealed record RunConfig(string RunId, int Line, JsonObject Config)
{
    public string CanonicalJson => Sweep.CanonicalJson.Write(Config);

    public static RunConfig Create(int line, JsonObject config) => new(IdOf(config), line, config);

    public static string IdOf(JsonNode config)
    {
        var hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(Sweep.CanonicalJson.Write(config)));
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, hash);
        return Convert.ToHexStringLower(bytes);
    }
}

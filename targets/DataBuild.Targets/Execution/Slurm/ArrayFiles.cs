using System.Text.Json.Serialization;
using System.Text.Json;
using System.Text;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.Execution.Slurm;

/// <summary>
/// The files one job array shares between the driver and its workers, all under <c>.databuild/slurm/&lt;run&gt;/&lt;array&gt;/</c>:
/// <c>manifest.jsonl</c> (one fully resolved <see cref="Invocation"/> per line; array task i runs lines i*K .. i*K+K-1),
/// <c>array.json</c> (K), <c>submit.sh</c>, <c>logs/%A_%a.out</c> and <c>results/&lt;index&gt;-&lt;slot&gt;.json</c>
/// (one <see cref="RunResult"/> per node, written by the worker through a temporary file and a rename).
/// </summary>
public sealed record ArrayFiles(string Directory)
{
    public const string ManifestName = "manifest.jsonl";

    public string Manifest => $"{Directory}/{ManifestName}";
    public string PackFile => $"{Directory}/array.json";
    public string Script => $"{Directory}/submit.sh";
    public string Logs => $"{Directory}/logs";
    public string Results => $"{Directory}/results";

    public string Result(int index, int slot) => $"{Results}/{ResultName(index, slot)}";

    /// <summary>A result's file name within <see cref="Results"/>, as a listing of that directory shows it.</summary>
    public static string ResultName(int index, int slot) => $"{index}-{slot}.json";

    public string SlurmLog(long jobId, int index) => $"{Logs}/{jobId}_{index}.out";

    public static ArrayFiles OfManifest(string manifestPath) => new(Path.GetDirectoryName(manifestPath)!.Replace('\\', '/'));

    /// <summary>The serializers, generated at compile time: the published program is trimmed, which turns off reflection-based JSON.</summary>
    private static readonly SlurmJson Json = SlurmJson.Default;

    public void WriteManifest(IFileSystem fs, IReadOnlyList<Invocation> invocations, int pack)
    {
        var sb = new StringBuilder();
        foreach (var invocation in invocations) sb.Append(JsonSerializer.Serialize(invocation, Json.Invocation)).Append('\n');
        WriteAtomically(fs, Manifest, sb.ToString());
        WriteAtomically(fs, PackFile, JsonSerializer.Serialize(new PackInfo(pack), Json.PackInfo));
    }

    public IReadOnlyList<Invocation> ReadManifest(IFileSystem fs)
    {
        using var reader = new StreamReader(fs.OpenRead(Manifest));
        var list = new List<Invocation>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            list.Add(JsonSerializer.Deserialize(line, Json.Invocation)
                ?? throw new InvalidDataException($"{Manifest}:{number} is not an invocation."));
        }
        return list;
    }

    public int ReadPack(IFileSystem fs)
    {
        using var stream = fs.OpenRead(PackFile);
        return JsonSerializer.Deserialize(stream, Json.PackInfo)?.Pack ?? throw new InvalidDataException($"{PackFile} has no pack size.");
    }

    /// <summary>Writes a node's result so the driver sees all of it or nothing: a temporary file renamed into place.</summary>
    public static void WriteResult(IFileSystem fs, string path, RunResult result) =>
        WriteAtomically(fs, path, JsonSerializer.Serialize(result, Json.RunResult));

    public static RunResult ReadResult(IFileSystem fs, string path)
    {
        using var stream = fs.OpenRead(path);
        return JsonSerializer.Deserialize(stream, Json.RunResult) ?? throw new InvalidDataException($"{path} is not a result file.");
    }

    private static void WriteAtomically(IFileSystem fs, string path, string text)
    {
        var temporary = $"{path}.tmp-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}";
        using (var stream = fs.Create(temporary))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            writer.Write(text);
        fs.Replace(temporary, path);
    }

    internal sealed record PackInfo(int Pack);

    internal sealed class Hash128Converter : JsonConverter<Hash128>
    {
        public override Hash128 Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Hash128.Parse(reader.GetString() ?? throw new JsonException("A hash must be a hex string."));

        public override void Write(Utf8JsonWriter writer, Hash128 value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}

/// <summary>The JSON of a job array's files: enums as names, nulls left out, hashes as hex.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true,
    Converters = [typeof(ArrayFiles.Hash128Converter)])]
[JsonSerializable(typeof(Invocation))]
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(ArrayFiles.PackInfo))]
internal sealed partial class SlurmJson : JsonSerializerContext;

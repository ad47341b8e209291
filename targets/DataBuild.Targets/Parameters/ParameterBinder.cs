using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using DataBuild.Model;
using YamlDotNet.RepresentationModel;

namespace DataBuild.Parameters;

/// <summary>
/// Sets pipeline parameters from, in rising precedence: their defaults, a parameters file (YAML or JSON), the
/// environment (<c>DATABUILD_*</c>) and the command line.
/// </summary>
public static class ParameterBinder
{
    public static void Bind(object pipeline, IReadOnlyList<ParameterDescriptor> parameters, string? parametersFile,
        IReadOnlyDictionary<string, string?> environment, IReadOnlyDictionary<string, List<string>> options)
    {
        if (parametersFile is not null)
        {
            var values = ReadFile(parametersFile);
            foreach (var p in parameters)
                if (TryFind(values, p, out var raw)) Set(pipeline, p, raw, $"{parametersFile}: {p.Option}");
            var unknown = values.Keys.Where(k => !parameters.Any(p => Matches(k, p))).ToList();
            if (unknown.Count > 0)
                throw new UsageException($"Unknown parameter '{unknown[0]}' in {parametersFile}.{NearNames.Hint(unknown[0], parameters.Select(p => p.Option))} Parameters are: {string.Join(", ", parameters.Select(p => p.Option))}.");
        }
        foreach (var p in parameters)
            if (environment.TryGetValue(p.EnvironmentVariable, out var env) && env is not null)
                Set(pipeline, p, SplitList(p, env), p.EnvironmentVariable);
        foreach (var p in parameters)
            if (options.TryGetValue(p.Option, out var values))
                Set(pipeline, p, values, "--" + p.Option);
    }

    private static bool TryFind(Dictionary<string, List<string>> values, ParameterDescriptor p, out List<string> raw)
    {
        foreach (var (key, value) in values)
            if (Matches(key, p)) { raw = value; return true; }
        raw = [];
        return false;
    }

    private static bool Matches(string key, ParameterDescriptor p) =>
        key == p.Option || key.Replace('_', '-') == p.Option || key == p.Name || ParameterDescriptor.ToKebab(key) == p.Option;

    private static List<string> SplitList(ParameterDescriptor p, string text) =>
        p.IsList ? text.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).ToList() : [text];

    // A list parameter is an array or a List<T> (ParameterDescriptor.IsList), made from an array of its values.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicConstructors, typeof(List<>))]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "List<T>'s constructors are kept by the DynamicDependency above.")]
    private static void Set(object pipeline, ParameterDescriptor p, List<string> raw, string source)
    {
        if (!p.IsList && raw.Count > 1)
            throw new UsageException($"{source} takes one value, got {raw.Count}: {string.Join(" ", raw)}.");
        if (p.IsList)
        {
            var array = Array.CreateInstance(p.ElementType, raw.Count);
            for (var i = 0; i < raw.Count; i++) array.SetValue(Convert(raw[i], p.ElementType, source), i);
            p.SetValue(pipeline, p.Type.IsArray ? array : Activator.CreateInstance(p.Type, array));
        }
        else
        {
            var text = raw.Count == 0 ? (p.ElementType == typeof(bool) ? "true" : throw new UsageException($"{source} needs a value.")) : raw[0];
            p.SetValue(pipeline, Convert(text, p.ElementType, source));
        }
    }

    private static object Convert(string text, Type type, string source)
    {
        try
        {
            if (type == typeof(string)) return text;
            if (type.IsEnum) return Enum.Parse(type, text, ignoreCase: true);
            if (type == typeof(bool)) return text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new FormatException(),
            };
            if (type == typeof(TimeSpan)) return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
            // The common types parsed directly, as Convert.ChangeType would (without its IConvertible detour).
            if (type == typeof(int)) return int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (type == typeof(long)) return long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (type == typeof(double)) return double.Parse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            return System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            var hint = type.IsEnum ? $" (one of: {string.Join(", ", Enum.GetNames(type))})" : "";
            throw new UsageException($"{source}: '{text}' is not a valid {type.Name}{hint}.");
        }
    }

    private static Dictionary<string, List<string>> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"Parameters file not found: {path}");
        var text = File.ReadAllText(path);
        try
        {
            return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ReadJson(text) : ReadYaml(text);
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException or InvalidOperationException)
        {
            throw new UsageException($"Cannot read parameters file {path}: {e.Message}");
        }
    }

    private static Dictionary<string, List<string>> ReadJson(string text)
    {
        using var doc = JsonDocument.Parse(text);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidOperationException("the top level must be an object of parameter: value");
        var values = new Dictionary<string, List<string>>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (!values.TryAdd(p.Name, p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray().Select(JsonScalar).ToList() : [JsonScalar(p.Value)]))
                throw new InvalidOperationException($"parameter '{p.Name}' is given twice");
        }
        return values;
    }

    private static string JsonScalar(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    private static Dictionary<string, List<string>> ReadYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        if (stream.Documents.Count == 0) return [];
        if (stream.Documents[0].RootNode is not YamlMappingNode map) throw new InvalidOperationException("the top level must be a mapping of parameter: value");
        var values = new Dictionary<string, List<string>>();
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: { } name }) throw new InvalidOperationException($"line {key.Start.Line}: a parameter name must be a plain word");
            if (values.ContainsKey(name)) throw new InvalidOperationException($"parameter '{name}' is given twice");
            values[name] = value switch
            {
                YamlSequenceNode seq => seq.Children.Select(n => n is YamlScalarNode s ? s.Value ?? ""
                    : throw new InvalidOperationException($"parameter '{name}' must be a value or a list of plain values")).ToList(),
                YamlScalarNode s => [s.Value ?? ""],
                _ => throw new InvalidOperationException($"parameter '{name}' must be a value or a list of values"),
            };
        }
        return values;
    }
}


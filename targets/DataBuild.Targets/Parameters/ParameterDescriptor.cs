using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text;
using DataBuild.Model;

namespace DataBuild.Parameters;

/// <summary>
/// One pipeline parameter: its field, option name, environment variable and type. The field is reached by reflection,
/// or through the accessors the source generator wrote into the pipeline (<see cref="Pipeline.Members"/>).
/// </summary>
public sealed class ParameterDescriptor
{
    private readonly FieldInfo? _field;
    private readonly int _index;

    private ParameterDescriptor(string name, Type type, string description, FieldInfo? field, int index)
    {
        Name = name;
        Type = type;
        Description = description;
        Option = ToKebab(name);
        EnvironmentVariable = EnvironmentName(Option);
        (_field, _index) = (field, index);
    }

    /// <summary>The field's name.</summary>
    public string Name { get; }
    public string Description { get; }
    public string Option { get; }
    public string EnvironmentVariable { get; }
    public Type Type { get; }

    public bool IsList => Type.IsArray || (Type.IsGenericType && Type.GetGenericTypeDefinition() == typeof(List<>));

    public Type ElementType => Type.IsArray ? Type.GetElementType()! : IsList ? Type.GetGenericArguments()[0] : Nullable.GetUnderlyingType(Type) ?? Type;

    public object? GetValue(object pipeline) => _field is not null ? _field.GetValue(pipeline) : ((Pipeline)pipeline).ParameterValue(_index);

    public void SetValue(object pipeline, object? value)
    {
        if (_field is not null) _field.SetValue(pipeline, value);
        else ((Pipeline)pipeline).SetParameterValue(_index, value);
    }

    /// <summary>The value as text for --help and explanations: lists joined by spaces.</summary>
    public string Format(object pipeline) => GetValue(pipeline) switch
    {
        null => "",
        string s => s,
        System.Collections.IEnumerable e => string.Join(" ", e.Cast<object>().Select(v => Model.PartitionKey.ToText(v))),
        var v => Model.PartitionKey.ToText(v),
    };

    /// <summary>The parameters of a pipeline: as its source generator found them, or by reflection.</summary>
    public static IReadOnlyList<ParameterDescriptor> For(Pipeline pipeline)
    {
        if (pipeline.Members is not { } generated) return For(pipeline.GetType());
        var result = new List<ParameterDescriptor>(generated.Parameters.Length);
        for (var i = 0; i < generated.Parameters.Length; i++)
        {
            var p = generated.Parameters[i];
            result.Add(new ParameterDescriptor(p.Name, p.Type, p.Description, null, i));
        }
        return result;
    }

    /// <summary>The <c>[Parameter]</c> fields of a type (and its bases), by reflection.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "The base types' private fields: pipeline assemblies are not trimmed (build/Build.csproj trims only the framework, TrimMode=partial).")]
    public static IReadOnlyList<ParameterDescriptor> For([DynamicallyAccessedMembers(Pipeline.ReflectedMembers)] Type pipelineType)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var result = new List<ParameterDescriptor>();
        // Fields only (see ParameterAttribute), and IsDefined before the attribute is built: a pipeline class has
        // hundreds of compiler-generated members, and only a few are parameters.
        for (var t = pipelineType; t is not null && t != typeof(object); t = t.BaseType)
            foreach (var field in t.GetFields(flags | BindingFlags.DeclaredOnly))
                if (field.IsDefined(typeof(ParameterAttribute), inherit: true))
                    result.Add(new ParameterDescriptor(field.Name, field.FieldType,
                        ((ParameterAttribute)field.GetCustomAttributes(typeof(ParameterAttribute), true)[0]).Description, field, -1));
        return result;
    }

    /// <summary>
    /// <c>DATABUILD_</c> and the option in upper snake case. By hand: string.Replace(char, char) builds an equality
    /// comparer by reflection on first use, at every start.
    /// </summary>
    private static string EnvironmentName(string option)
    {
        const string prefix = "DATABUILD_";
        var name = new char[prefix.Length + option.Length];
        prefix.CopyTo(name);
        for (var i = 0; i < option.Length; i++) name[prefix.Length + i] = option[i] == '-' ? '_' : char.ToUpperInvariant(option[i]);
        return new string(name);
    }

    public static string ToKebab(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])))) sb.Append('-');
            sb.Append(c == '_' ? '-' : char.ToLowerInvariant(c));
        }
        return sb.ToString().TrimStart('-');
    }
}

using System.Reflection;
using System.Text;

namespace DataBuild.Parameters;

/// <summary>One pipeline parameter: its field, option name, environment variable and type.</summary>
public sealed class ParameterDescriptor
{
    private ParameterDescriptor(FieldInfo field, string description)
    {
        Field = field;
        Description = description;
        Option = ToKebab(field.Name);
        EnvironmentVariable = "DATABUILD_" + Option.Replace('-', '_').ToUpperInvariant();
        Type = field.FieldType;
    }

    public FieldInfo Field { get; }
    public string Description { get; }
    public string Option { get; }
    public string EnvironmentVariable { get; }
    public Type Type { get; }

    public bool IsList => Type.IsArray || (Type.IsGenericType && Type.GetGenericTypeDefinition() == typeof(List<>));

    public Type ElementType => Type.IsArray ? Type.GetElementType()! : IsList ? Type.GetGenericArguments()[0] : Nullable.GetUnderlyingType(Type) ?? Type;

    public object? GetValue(object pipeline) => Field.GetValue(pipeline);

    public void SetValue(object pipeline, object? value) => Field.SetValue(pipeline, value);

    /// <summary>The value as text for --help and explanations: lists joined by spaces.</summary>
    public string Format(object pipeline) => GetValue(pipeline) switch
    {
        null => "",
        string s => s,
        System.Collections.IEnumerable e => string.Join(" ", e.Cast<object>().Select(v => Model.PartitionKey.ToText(v))),
        var v => Model.PartitionKey.ToText(v),
    };

    public static IReadOnlyList<ParameterDescriptor> For(Type pipelineType)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var result = new List<ParameterDescriptor>();
        // Fields only (see ParameterAttribute), and IsDefined before the attribute is built: a pipeline class has hundreds
        // of compiler-generated methods, and reflecting over all its members cost a no-op build several milliseconds.
        for (var t = pipelineType; t is not null && t != typeof(object); t = t.BaseType)
            foreach (var field in t.GetFields(flags | BindingFlags.DeclaredOnly))
                if (field.IsDefined(typeof(ParameterAttribute), inherit: true))
                    result.Add(new ParameterDescriptor(field, ((ParameterAttribute)field.GetCustomAttributes(typeof(ParameterAttribute), true)[0]).Description));
        return result;
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

using System.Reflection;
using System.Text;

namespace DataBuild.Parameters;

/// <summary>One pipeline parameter: its member, option name, environment variable and type.</summary>
public sealed class ParameterDescriptor
{
    private ParameterDescriptor(MemberInfo member, string description)
    {
        Member = member;
        Description = description;
        Option = ToKebab(member.Name);
        EnvironmentVariable = "DATABUILD_" + Option.Replace('-', '_').ToUpperInvariant();
        Type = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
    }

    public MemberInfo Member { get; }
    public string Description { get; }
    public string Option { get; }
    public string EnvironmentVariable { get; }
    public Type Type { get; }

    public bool IsList => Type.IsArray || (Type.IsGenericType && Type.GetGenericTypeDefinition() == typeof(List<>));

    public Type ElementType => Type.IsArray ? Type.GetElementType()! : IsList ? Type.GetGenericArguments()[0] : Nullable.GetUnderlyingType(Type) ?? Type;

    public object? GetValue(object pipeline) => Member is FieldInfo f ? f.GetValue(pipeline) : ((PropertyInfo)Member).GetValue(pipeline);

    public void SetValue(object pipeline, object? value)
    {
        if (Member is FieldInfo f) f.SetValue(pipeline, value);
        else ((PropertyInfo)Member).SetValue(pipeline, value);
    }

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
        // Fields and properties only, and IsDefined before the attribute is built: a pipeline class has hundreds of
        // compiler-generated methods, and reflecting over them all cost a no-op build several milliseconds.
        for (var t = pipelineType; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var property in t.GetProperties(flags | BindingFlags.DeclaredOnly)) Add(property); // GetMembers' order
            foreach (var field in t.GetFields(flags | BindingFlags.DeclaredOnly)) Add(field);
        }
        return result;

        void Add(MemberInfo member)
        {
            if (member.IsDefined(typeof(ParameterAttribute), inherit: true))
                result.Add(new ParameterDescriptor(member, ((ParameterAttribute)member.GetCustomAttributes(typeof(ParameterAttribute), true)[0]).Description));
        }
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

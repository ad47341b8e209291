namespace DataBuild.Parameters;

/// <summary>
/// Marks a pipeline field or property as a parameter: <c>--kebab-case</c> on the command line,
/// <c>DATABUILD_UPPER_SNAKE</c> in the environment, or a key in the <c>--params</c> file (YAML or JSON).
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string description = "") : Attribute
{
    public string Description { get; } = description;
}

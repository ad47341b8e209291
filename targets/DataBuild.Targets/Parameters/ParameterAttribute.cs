namespace DataBuild.Parameters;

/// <summary>
/// Marks a pipeline field as a parameter: <c>--kebab-case</c> on the command line, <c>DATABUILD_UPPER_SNAKE</c> in the
/// environment, or a key in the <c>--params</c> file (YAML or JSON). Fields only: on a property it does not compile.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ParameterAttribute(string description = "") : Attribute
{
    public string Description { get; } = description;
}

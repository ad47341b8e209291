using DataBuild.Model;

namespace DataBuild.Pipelines;

/// <summary>
/// The pipelines this repository builds. Each target is a property: <c>./build.sh &lt;Target&gt;</c> builds it and
/// everything it needs. Parameters are <c>[Parameter]</c> fields (<c>--kebab-case</c> on the command line).
/// </summary>
public sealed partial class Pipelines : Pipeline
{
}

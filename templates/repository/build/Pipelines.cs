using DataBuild.Model;

/// <summary>
/// This repository's pipelines. Each target is a property: <c>./build.sh &lt;Target&gt;</c> builds it and everything it
/// needs; add more in this file or in others (<c>partial class Pipelines</c> in build/Pipelines.Name.cs).
/// </summary>
public sealed partial class Pipelines : Pipeline
{
    /// <summary>An example target: one command, one output. <c>./build.sh Hello</c> builds it; a second run does nothing.</summary>
    Target Hello => _ => _
        .Description("an example: writes hello.txt")
        .Output("out/hello.txt")
        .Executes("sh", "-c", "echo \"hello from $1\" > \"$0\"", "{out}", "DataBuild");
}

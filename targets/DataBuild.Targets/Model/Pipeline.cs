namespace DataBuild.Model;

/// <summary>
/// Base class of a pipeline: declare targets as <c>Target X => _ => _...</c> properties and parameters as
/// <c>[Parameter]</c> fields; run it with <c>DataBuild.Cli.DataBuildHost.Run&lt;MyPipeline&gt;(args)</c>.
/// </summary>
public abstract class Pipeline
{
    protected static PartitionKey Key(params (string Name, object Value)[] dimensions) => PartitionKey.Of(dimensions);
}

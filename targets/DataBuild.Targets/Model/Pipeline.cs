namespace DataBuild.Model;

/// <summary>
/// Base class of a pipeline: declare targets as <c>Target X => _ => _...</c> properties and parameters as
/// <c>[Parameter]</c> fields; run it with <c>DataBuild.Cli.DataBuildHost.Run&lt;MyPipeline&gt;(args)</c>.
/// </summary>
public abstract class Pipeline
{
    /// <summary>A partition key of numbers and text: <c>Key(("field", 296), ("ccd", "03"))</c>, without allocating for the arguments.</summary>
    protected static PartitionKey Key(params ReadOnlySpan<(string Name, PartitionValue Value)> dimensions) => PartitionKey.Of(dimensions);

    /// <summary>A partition key of any values (enums, floating point), each formatted with the invariant culture.</summary>
    protected static PartitionKey Key(params (string Name, object Value)[] dimensions) => PartitionKey.Of(dimensions);
}

namespace DataBuild.Model;

/// <summary>
/// Base class of a pipeline: declare targets as <c>Target X => _ => _...</c> properties and parameters as
/// <c>[Parameter]</c> fields; run it with <c>DataBuild.Cli.DataBuildHost.Run&lt;MyPipeline&gt;(args)</c>.
/// </summary>
public abstract class Pipeline
{
    /// <summary>A partition key of numbers and text: <c>Key("field", 296, "ccd", "03")</c>, without allocating for the arguments.</summary>
    protected static PartitionKey Key(string name, PartitionValue value) => PartitionKey.Of(name, value);

    /// <inheritdoc cref="Key(string, PartitionValue)"/>
    protected static PartitionKey Key(string name1, PartitionValue value1, string name2, PartitionValue value2) =>
        PartitionKey.Of(name1, value1, name2, value2);

    /// <inheritdoc cref="Key(string, PartitionValue)"/>
    protected static PartitionKey Key(string name1, PartitionValue value1, string name2, PartitionValue value2, string name3, PartitionValue value3) =>
        PartitionKey.Of(name1, value1, name2, value2, name3, value3);

    /// <summary>A partition key of any values (enums, floating point): <c>Key(("band", Band.G), ("scale", 0.5))</c>, each formatted with the invariant culture.</summary>
    protected static PartitionKey Key(params (string Name, object Value)[] dimensions) => PartitionKey.Of(dimensions);
}

using System.Diagnostics.CodeAnalysis;

namespace DataBuild.Model;

/// <summary>
/// Base class of a pipeline: declare targets as <c>Target X => _ => _...</c> properties and parameters as
/// <c>[Parameter]</c> fields; run it with <c>DataBuild.Cli.DataBuildHost.Run&lt;MyPipeline&gt;(args)</c>.
/// </summary>
[DynamicallyAccessedMembers(ReflectedMembers)]
public abstract class Pipeline
{
    /// <summary>What the engine reflects over when no generated accessors are there: target getters and parameter fields.</summary>
    internal const DynamicallyAccessedMemberTypes ReflectedMembers = DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods
        | DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.NonPublicFields;

    /// <summary>A partition key of numbers and text: <c>Key("field", 296, "ccd", "03")</c>.</summary>
    protected static PartitionKey Key(string name, PartitionValue value) => PartitionKey.Of(name, value);

    /// <inheritdoc cref="Key(string, PartitionValue)"/>
    protected static PartitionKey Key(string name1, PartitionValue value1, string name2, PartitionValue value2) =>
        PartitionKey.Of(name1, value1, name2, value2);

    /// <inheritdoc cref="Key(string, PartitionValue)"/>
    protected static PartitionKey Key(string name1, PartitionValue value1, string name2, PartitionValue value2, string name3, PartitionValue value3) =>
        PartitionKey.Of(name1, value1, name2, value2, name3, value3);

    /// <summary>A partition key of any values (enums, floating point): <c>Key(("band", Band.G), ("scale", 0.5))</c>, each formatted with the invariant culture.</summary>
    protected static PartitionKey Key(params (string Name, object Value)[] dimensions) => PartitionKey.Of(dimensions);

    /// <summary>
    /// The targets and parameters of a <c>partial</c> pipeline class that derives from this one directly, found at compile
    /// time by the DataBuild.Generators source generator, which also writes the three accessors below. Null: the engine
    /// finds them by reflection.
    /// </summary>
    protected virtual GeneratedMembers? Generated => null;

    /// <summary>Target <paramref name="index"/> of <see cref="GeneratedMembers.Targets"/>.</summary>
    protected virtual Target GeneratedTarget(int index) => throw new NotSupportedException("This pipeline has no generated members.");

    /// <summary>The value of parameter <paramref name="index"/> of <see cref="GeneratedMembers.Parameters"/>.</summary>
    protected virtual object? GeneratedGet(int index) => throw new NotSupportedException("This pipeline has no generated members.");

    /// <summary>Sets parameter <paramref name="index"/> of <see cref="GeneratedMembers.Parameters"/> (readonly fields too).</summary>
    protected virtual void GeneratedSet(int index, object? value) => throw new NotSupportedException("This pipeline has no generated members.");

    // The engine's access to the generated members (protected, so that the generated overrides compile the same in
    // every assembly).
    internal GeneratedMembers? Members => Generated;
    internal Target TargetAt(int index) => GeneratedTarget(index);
    internal object? ParameterValue(int index) => GeneratedGet(index);
    internal void SetParameterValue(int index, object? value) => GeneratedSet(index, value);
}

/// <summary>A pipeline's targets (property names, in declaration order) and parameters (fields), as the source generator found them.</summary>
public sealed class GeneratedMembers(string[] targets, GeneratedParameter[] parameters)
{
    public string[] Targets { get; } = targets;
    public GeneratedParameter[] Parameters { get; } = parameters;
}

/// <summary>A <c>[Parameter]</c> field: its name, type and description.</summary>
public sealed class GeneratedParameter(string name, Type type, string description)
{
    public string Name { get; } = name;
    public Type Type { get; } = type;
    public string Description { get; } = description;
}

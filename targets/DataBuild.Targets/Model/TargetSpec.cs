using DataBuild.IO;

namespace DataBuild.Model;

/// <summary>A declared target, immutable once its definition has been evaluated.</summary>
public sealed class TargetSpec
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";

    /// <summary>Static partitions; null with no <see cref="DynamicSource"/> means one unpartitioned node.</summary>
    public Func<IEnumerable<PartitionKey>>? StaticPartitions { get; init; }

    public string? DynamicSource { get; init; }
    public Func<PartitionSource, IEnumerable<PartitionKey>>? Discover { get; init; }

    public IReadOnlyList<DependencySpec> Dependencies { get; init; } = [];
    public IReadOnlyList<InputSpec> Inputs { get => _inputs; init => _inputs = value; }
    private IReadOnlyList<InputSpec> _inputs = [];
    public IReadOnlyList<OutputSpec> Outputs { get; init; } = [];
    public TaskSpec? Task { get; init; }
    public ResourceSpec Resources { get; init; } = new();
    public bool BuildOnlyWhenMissing { get; init; }

    /// <summary>The container the task's command runs in; null runs it on the host.</summary>
    public ContainerSpec? Container { get => _container; init => _container = value; }
    private ContainerSpec? _container;

    /// <summary>A copy whose container (and its container input) runs with <paramref name="runtime"/>; everything else is shared.</summary>
    internal TargetSpec WithContainerRuntime(ContainerRuntime runtime)
    {
        var moved = (_container ?? throw new InvalidOperationException($"Target {Name} runs in no container.")) with { Runtime = runtime };
        var copy = (TargetSpec)MemberwiseClone();
        copy._container = moved;
        copy._inputs = _inputs.Select(i => i.Kind == InputKind.Container ? i with { Value = _ => moved } : i).ToList();
        return copy;
    }

    /// <summary>Whether the task's container may reach the network.</summary>
    public bool Network { get; init; }

    public bool IsDynamic => DynamicSource is not null;

    /// <summary>Every target this one needs built first: its dependencies and its partition source, each once.</summary>
    public IEnumerable<string> Upstream => UpstreamNames();

    /// <summary>
    /// <see cref="Upstream"/> as a list of its own, which the engine's walks enumerate without interface calls or LINQ:
    /// every command walks the targets.
    /// </summary>
    internal List<string> UpstreamNames()
    {
        var names = new List<string>(Dependencies.Count + 1);
        for (var i = 0; i < Dependencies.Count; i++)
            if (!names.Contains(Dependencies[i].Target)) names.Add(Dependencies[i].Target);
        if (DynamicSource is not null && !names.Contains(DynamicSource)) names.Add(DynamicSource);
        return names;
    }

    public override string ToString() => Name;
}

using DataBuild.IO;
using Microsoft.Build.Framework;

namespace DataBuild.Model;

/// <summary>Collects one target's declaration; <see cref="Build"/> freezes it into a <see cref="TargetSpec"/>.</summary>
internal sealed class TargetBuilder(string name, Func<Target, string> nameOf) : ITargetDefinition
{
    private string _description = "";
    private Func<IEnumerable<PartitionKey>>? _partitions;
    private string? _dynamicSource;
    private Func<PartitionSource, IEnumerable<PartitionKey>>? _discover;
    private readonly List<DependencySpec> _dependencies = [];
    private readonly List<InputSpec> _inputs = [];
    private readonly List<OutputSpec> _outputs = [];
    private TaskSpec? _task;
    private Func<string?, TaskSpec>? _versionedTask;
    private string? _version;
    private ResourceSpec _resources = new();
    private bool _onlyWhenMissing;
    private ContainerSpec? _container;
    private bool _network;

    public ITargetDefinition Description(string text) { _description = text; return this; }

    public ITargetDefinition PartitionedBy<T>(string dimension, IEnumerable<T> values) where T : notnull =>
        Partitions(() => values.Select(v => PartitionKey.Of(dimension, v)));

    // Partitions by number (fields, ccds, groups) are the common case: not generic, and a loop rather than LINQ's
    // Select over int, so precompiled (both would be compiled at run time, at every start).
    public ITargetDefinition PartitionedBy(string dimension, IEnumerable<int> values) => Partitions(() => KeysOf(dimension, values));

    private static IEnumerable<PartitionKey> KeysOf(string dimension, IEnumerable<int> values)
    {
        foreach (var v in values) yield return PartitionKey.Of(dimension, v);
    }

    public ITargetDefinition Partitions(Func<IEnumerable<PartitionKey>> keys) { _partitions = keys; return this; }

    public ITargetDefinition PartitionsFrom(Target source, Func<PartitionSource, IEnumerable<PartitionKey>> discover)
    {
        _dynamicSource = nameOf(source);
        _discover = discover;
        return this;
    }

    public ITargetDefinition DependsOn(params Target[] targets)
    {
        foreach (var t in targets) _dependencies.Add(new DependencySpec(nameOf(t), null));
        return this;
    }

    public ITargetDefinition DependsOn(Target target, Func<PartitionKey, IEnumerable<PartitionKey>> upstreamOf)
    {
        _dependencies.Add(new DependencySpec(nameOf(target), upstreamOf));
        return this;
    }

    public ITargetDefinition Input(string name, string pathTemplate) => AddInput(new InputSpec(InputKind.File, name, pathTemplate));

    public ITargetDefinition InputGlob(string name, string globTemplate) => AddInput(new InputSpec(InputKind.Glob, name, globTemplate));

    public ITargetDefinition Parameter(string name, object? value) => AddInput(new InputSpec(InputKind.Parameter, name, Value: _ => value));

    public ITargetDefinition Parameter(string name, Func<PartitionKey, object?> value) => AddInput(new InputSpec(InputKind.Parameter, name, Value: value, PerPartition: true));

    public ITargetDefinition Config(string name, object? value) => AddInput(new InputSpec(InputKind.Config, name, Value: _ => value));

    public ITargetDefinition Environment(string variable) => AddInput(new InputSpec(InputKind.Environment, variable));

    public ITargetDefinition Secret(string variable) => AddInput(new InputSpec(InputKind.Secret, variable));

    public ITargetDefinition Tool(string name, string executable, params string[] versionArgs) =>
        AddInput(new InputSpec(InputKind.Tool, name, executable, VersionArgs: versionArgs));

    public ITargetDefinition Container(string image, ContainerRuntime runtime = ContainerRuntime.Auto)
    {
        if (string.IsNullOrWhiteSpace(image)) throw new PipelineDefinitionException($"Target {name}: Container() needs an image name, e.g. localhost/tool:1.");
        if (_container is not null) throw new PipelineDefinitionException($"Target {name} declares a container twice ({_container.Image}, {image}).");
        var spec = new ContainerSpec(image, runtime);
        _container = spec;
        return AddInput(new InputSpec(InputKind.Container, image, Value: _ => spec));
    }

    public ITargetDefinition Network() { _network = true; return this; }

    public ITargetDefinition Output(string pathTemplate) => Output(_outputs.Count == 0 ? OutputSpec.DefaultName : $"out{_outputs.Count}", pathTemplate);

    public ITargetDefinition Output(string name, string pathTemplate) => AddOutput(new OutputSpec(name, pathTemplate, IsDirectory: false));

    public ITargetDefinition OutputDirectory(string name, string pathTemplate) => AddOutput(new OutputSpec(name, pathTemplate, IsDirectory: true));

    public ITargetDefinition BuildOnlyWhenMissing() { _onlyWhenMissing = true; return this; }

    public ITargetDefinition Executes(params string[] argvTemplate)
    {
        if (argvTemplate.Length == 0) throw new PipelineDefinitionException($"Target {name}: Executes() needs at least the program to run.");
        _task = new ArgvTaskSpec(argvTemplate);
        return this;
    }

    public ITargetDefinition Executes(Action<TaskContext> action, string version) { _task = new DelegateTaskSpec(action, version); return this; }

    public ITargetDefinition Executes<TTask>(Action<TTask, TaskContext> configure) where TTask : ITask, new()
    {
        _versionedTask = version => new MsBuildTaskSpec<TTask>(configure, version);
        return this;
    }

    public ITargetDefinition Version(string version) { _version = version; return this; }

    public ITargetDefinition Cores(int cores) { _resources = _resources with { Cores = (int)Positive(cores, "Cores") }; return this; }

    public ITargetDefinition MemoryMb(Func<ResourceContext, long> megabytes) { _resources = _resources with { MemoryMb = megabytes, FixedMemoryMb = null }; return this; }

    public ITargetDefinition MemoryMb(long megabytes)
    {
        MemoryMb(_ => Positive(megabytes, "MemoryMb"));
        _resources = _resources with { FixedMemoryMb = megabytes > 0 ? megabytes : null };
        return this;
    }

    public ITargetDefinition Gpus(int gpus) { _resources = _resources with { Gpus = Math.Max(0, gpus) }; return this; }

    public ITargetDefinition Walltime(TimeSpan limit)
    {
        if (limit <= TimeSpan.Zero) throw new PipelineDefinitionException($"Target {name}: Walltime must be positive, got {limit}.");
        Walltime(_ => limit);
        _resources = _resources with { FixedWalltime = limit };
        return this;
    }

    public ITargetDefinition Walltime(Func<ResourceContext, TimeSpan> limit) { _resources = _resources with { Walltime = limit, FixedWalltime = null }; return this; }

    public ITargetDefinition SlurmPartition(string partition) => Schedule(new SchedulerSettings { Partition = Named(partition, "SlurmPartition") });

    public ITargetDefinition Account(string account) => Schedule(new SchedulerSettings { Account = Named(account, "Account") });

    public ITargetDefinition Qos(string qos) => Schedule(new SchedulerSettings { Qos = Named(qos, "Qos") });

    public ITargetDefinition Constraint(string features) => Schedule(new SchedulerSettings { Constraint = Named(features, "Constraint") });

    public ITargetDefinition GpuOption(GpuOption option) => Schedule(new SchedulerSettings { GpuOption = option });

    public ITargetDefinition CpusPerGpu(int cpus) => Schedule(new SchedulerSettings { CpusPerGpu = (int)Positive(cpus, "CpusPerGpu") });

    public ITargetDefinition SbatchArguments(params string[] arguments) => Schedule(new SchedulerSettings { SbatchArguments = arguments.ToArray() });

    public ITargetDefinition CheckpointSignal(int secondsBefore) =>
        Schedule(new SchedulerSettings { SignalSeconds = (int)Positive(secondsBefore, "CheckpointSignal") });

    private TargetBuilder Schedule(SchedulerSettings settings)
    {
        _resources = _resources with { Scheduler = settings.Over(_resources.Scheduler) };
        return this;
    }

    private string Named(string value, string what) =>
        !string.IsNullOrWhiteSpace(value) ? value : throw new PipelineDefinitionException($"Target {name}: {what} needs a name, got an empty one.");

    public ITargetDefinition ConcurrencyGroup(string group, int cap) => ConcurrencyGroup(group, cap, CapUnit.Tasks);

    public ITargetDefinition ConcurrencyGroup(string group, int cap, CapUnit unit)
    {
        _resources = _resources with { Group = group, GroupCap = (int)Positive(cap, "ConcurrencyGroup cap"), GroupCapUnit = unit };
        return this;
    }

    public ITargetDefinition Retries(int count) { _resources = _resources with { Retries = Math.Max(0, count) }; return this; }

    public ITargetDefinition Retries(int count, TimeSpan backoff, TimeSpan? max = null)
    {
        if (backoff <= TimeSpan.Zero || max < backoff)
            throw new PipelineDefinitionException($"Target {name}: .Retries({count}, backoff: {backoff}, max: {max}) needs a positive backoff and a max of at least the backoff.");
        _resources = _resources with { Retries = Math.Max(0, count), RetryBackoff = backoff, RetryBackoffMax = max };
        return this;
    }

    public ITargetDefinition RetryOn(params int[] exitCodes)
    {
        if (exitCodes.Length == 0 || exitCodes.Contains(0))
            throw new PipelineDefinitionException($"Target {name}: .RetryOn needs the failing exit codes to retry on (not 0), e.g. .RetryOn(75).");
        _resources = _resources with { RetryOn = exitCodes.ToArray() };
        return this;
    }

    public ITargetDefinition RateLimit(string limit, int count, RatePer per)
    {
        if (string.IsNullOrWhiteSpace(limit)) throw new PipelineDefinitionException($"Target {name}: .RateLimit needs a name, e.g. .RateLimit(\"archive\", 5, RatePer.Second).");
        _resources = _resources with { RateLimit = new RateLimitSpec(limit, (int)Positive(count, "RateLimit count"), per == RatePer.Minute ? TimeSpan.FromMinutes(1) : TimeSpan.FromSeconds(1)) };
        return this;
    }

    public ITargetDefinition RateLimit(Func<PartitionKey, string> nameOf, int count, RatePer per)
    {
        RateLimit(name, count, per);
        _resources = _resources with { RateLimit = _resources.RateLimit! with { NameOf = nameOf } };
        return this;
    }

    public TargetSpec Build()
    {
        var task = _versionedTask?.Invoke(_version) ?? _task;
        if (task is ArgvTaskSpec argv && _version is not null) task = new ArgvTaskSpec(argv.Template.ToArray(), _version);
        if (_container is not null && task is IInProcessTask)
            throw new PipelineDefinitionException(
                $"Target {name} runs C# code, which runs in the engine's process and cannot run in container {_container.Image}. Run a command in it instead: .Executes(\"program\", \"{{out}}\", ...).");
        if (task is not null && _outputs.Count == 0)
            throw new PipelineDefinitionException($"Target {name} runs a task but declares no outputs: add .Output(\"path/{{dimension}}.ext\").");
        return new TargetSpec
        {
            Name = name,
            Description = _description,
            StaticPartitions = _partitions,
            DynamicSource = _dynamicSource,
            Discover = _discover,
            Dependencies = _dependencies.ToArray(),
            Inputs = _inputs.ToArray(),
            Outputs = _outputs.ToArray(),
            Task = task,
            Resources = _resources,
            BuildOnlyWhenMissing = _onlyWhenMissing,
            Container = _container,
            Network = _network,
        };
    }

    private TargetBuilder AddInput(InputSpec input)
    {
        // Loops, not LINQ's Any: every target definition of the pipeline passes here at every start, and LINQ's first
        // use of a shape costs type loads.
        foreach (var i in _inputs)
            if (i.Kind == input.Kind && i.Name == input.Name)
                throw new PipelineDefinitionException($"Target {name} declares {input.Kind.ToString().ToLowerInvariant()} input '{input.Name}' twice.");
        _inputs.Add(input);
        return this;
    }

    private TargetBuilder AddOutput(OutputSpec output)
    {
        foreach (var o in _outputs)
            if (o.Name == output.Name)
                throw new PipelineDefinitionException($"Target {name} declares output '{output.Name}' twice.");
        _outputs.Add(output);
        return this;
    }

    private long Positive(long value, string what) =>
        value > 0 ? value : throw new PipelineDefinitionException($"Target {name}: {what} must be positive, got {value}.");
}

using DataBuild.IO;
using Microsoft.Build.Framework;

namespace DataBuild.Model;

/// <summary>The fluent surface for declaring a target. Every method returns the definition for chaining.</summary>
public interface ITargetDefinition
{
    /// <summary>One line shown by --help and status.</summary>
    ITargetDefinition Description(string text);

    /// <summary>Static partitions along one dimension, e.g. <c>PartitionedBy("field", Fields)</c>.</summary>
    ITargetDefinition PartitionedBy<T>(string dimension, IEnumerable<T> values) where T : notnull;

    /// <summary>Static partitions along one dimension of numbers, e.g. <c>PartitionedBy("field", [296, 297])</c>.</summary>
    ITargetDefinition PartitionedBy(string dimension, IEnumerable<int> values);

    /// <summary>Static partitions computed from parameters.</summary>
    ITargetDefinition Partitions(Func<IEnumerable<PartitionKey>> keys);

    /// <summary>
    /// Dynamic partitions, discovered by reading each partition of <paramref name="source"/> once it is built
    /// (e.g. the quads of a field that have sources). The discovered keys inherit the source partition's dimensions.
    /// The answer is cached against the source's output hash, so a no-op build reads nothing.
    /// </summary>
    ITargetDefinition PartitionsFrom(Target source, Func<PartitionSource, IEnumerable<PartitionKey>> discover);

    /// <summary>Depends on the partitions of each target that agree on every shared dimension: one-to-one, fan-in and fan-out alike.</summary>
    ITargetDefinition DependsOn(params Target[] targets);

    /// <summary>Depends on the partitions of <paramref name="target"/> that <paramref name="upstreamOf"/> names for each partition of this one.</summary>
    ITargetDefinition DependsOn(Target target, Func<PartitionKey, IEnumerable<PartitionKey>> upstreamOf);

    /// <summary>A file (or directory) input; the path may use partition dimensions, e.g. <c>raw/{field}/{ccd}.csv</c>.</summary>
    ITargetDefinition Input(string name, string pathTemplate);

    /// <summary>All files matching a glob; adding or removing a match changes the input.</summary>
    ITargetDefinition InputGlob(string name, string globTemplate);

    /// <summary>A typed parameter the task depends on; a different value rebuilds (ParametersChanged).</summary>
    ITargetDefinition Parameter(string name, object? value);

    /// <summary>A parameter whose value depends on the partition, e.g. per-model hyperparameters.</summary>
    ITargetDefinition Parameter(string name, Func<PartitionKey, object?> value);

    /// <summary>A configuration value (from a config file); changes are reported as InputChanged(config:name).</summary>
    ITargetDefinition Config(string name, object? value);

    /// <summary>
    /// The value of a named environment variable is an input: part of the task key, recorded in the state and shown by
    /// <c>why</c>. For tokens and passwords use <see cref="Secret"/>.
    /// </summary>
    ITargetDefinition Environment(string variable);

    /// <summary>
    /// An environment variable the task needs (a token, a password) whose value is never part of the key, stored,
    /// logged or printed: a changed value rebuilds nothing. The build stops before any task runs when it is not set.
    /// </summary>
    ITargetDefinition Secret(string variable);

    /// <summary>An external tool: identified by the output of <c>executable versionArgs...</c>, or by the content hash of the executable when no arguments are given.</summary>
    ITargetDefinition Tool(string name, string executable, params string[] versionArgs);

    /// <summary>
    /// Runs the task's command in a container image (<c>localhost/phrosty:1</c>, or a .sif file for apptainer) with the
    /// workspace mounted at the same path; the image's id, resolved at every build, is part of the task key.
    /// </summary>
    ITargetDefinition Container(string image, ContainerRuntime runtime = ContainerRuntime.Auto);

    /// <summary>Lets the task's container reach the network; containers have none unless declared.</summary>
    ITargetDefinition Network();

    /// <summary>An output file, path templated by partition dimensions. The first output is named "out".</summary>
    ITargetDefinition Output(string pathTemplate);

    ITargetDefinition Output(string name, string pathTemplate);

    /// <summary>An output directory, hashed as a sorted tree of (relative path, content hash).</summary>
    ITargetDefinition OutputDirectory(string name, string pathTemplate);

    /// <summary>
    /// Marks outputs as source data: built only when missing, and a hand edit is taken as new data rather than
    /// overwritten (fixture generators, downloads). Dependents still see every change through the output hash.
    /// </summary>
    ITargetDefinition BuildOnlyWhenMissing();

    /// <summary>Runs a command from an argv template: <c>{field}</c>, <c>{out}</c>, <c>{out:name}</c>, <c>{in:name}</c>, <c>{deps:Target}</c>, <c>{param:name}</c>, <c>{cores}</c>, <c>{mem}</c> (MB), <c>{gpus}</c>, <c>{tmp}</c> (a scratch directory, removed after).</summary>
    ITargetDefinition Executes(params string[] argvTemplate);

    /// <summary>Runs C# code. Bump <paramref name="version"/> when what it computes changes.</summary>
    ITargetDefinition Executes(Action<TaskContext> action, string version);

    /// <summary>Runs an MSBuild task (any <see cref="ITask"/>), configured per partition.</summary>
    ITargetDefinition Executes<TTask>(Action<TTask, TaskContext> configure) where TTask : ITask, new();

    /// <summary>The task's version, part of the task key: bump it when the task's logic changes.</summary>
    ITargetDefinition Version(string version);

    ITargetDefinition Cores(int cores);

    /// <summary>Memory in megabytes, per partition (e.g. scaled by the number of sources in a quad).</summary>
    ITargetDefinition MemoryMb(Func<ResourceContext, long> megabytes);

    ITargetDefinition MemoryMb(long megabytes);

    ITargetDefinition Gpus(int gpus);

    /// <summary>The time limit a task asks of the batch scheduler.</summary>
    ITargetDefinition Walltime(TimeSpan limit);

    /// <summary>The time limit per partition (e.g. from its input's size); an exception here fails that node alone.</summary>
    ITargetDefinition Walltime(Func<ResourceContext, TimeSpan> limit);

    /// <summary>The Slurm partition (queue) the target's tasks are submitted to, e.g. <c>long</c>.</summary>
    ITargetDefinition SlurmPartition(string partition);

    /// <summary>The Slurm account the target's tasks are charged to.</summary>
    ITargetDefinition Account(string account);

    /// <summary>The Slurm quality of service the target's tasks are submitted with.</summary>
    ITargetDefinition Qos(string qos);

    /// <summary>Node features the target's tasks need (<c>--constraint</c>), e.g. <c>haswell</c>.</summary>
    ITargetDefinition Constraint(string features);

    /// <summary>How the GPUs of <see cref="Gpus"/> are asked for: <c>--gres=gpu:N</c> (the default) or <c>--gpus-per-task=N</c>.</summary>
    ITargetDefinition GpuOption(GpuOption option);

    /// <summary>CPUs per allocated GPU (<c>--cpus-per-gpu</c>).</summary>
    ITargetDefinition CpusPerGpu(int cpus);

    /// <summary>
    /// How long before its time limit a task that keeps a checkpoint (<c>{checkpoint}</c>) is sent SIGUSR1 to save and exit
    /// (default 120 s); it is then retried with the same time and resumes. Locally, Ctrl-C sends it too and waits as long.
    /// A C# step is warned only when this is set (here or in the profile), through <c>ctx.CheckpointRequested</c>.
    /// </summary>
    ITargetDefinition CheckpointSignal(int secondsBefore);

    /// <summary>Further sbatch options for this target's jobs, each one argument, e.g. <c>"--exclusive"</c>.</summary>
    ITargetDefinition SbatchArguments(params string[] arguments);

    /// <summary>At most <paramref name="cap"/> tasks of this group at once, across targets (e.g. an external database).</summary>
    ITargetDefinition ConcurrencyGroup(string name, int cap);

    /// <summary>At most <paramref name="cap"/> tasks, or with <see cref="CapUnit.Cores"/> cores of tasks (each counts its <c>.Cores</c>), of this group at once.</summary>
    ITargetDefinition ConcurrencyGroup(string name, int cap, CapUnit unit);

    /// <summary>How many times a failed task is retried before the build fails.</summary>
    ITargetDefinition Retries(int count);

    /// <summary>Retries a failed task up to <paramref name="count"/> times, waiting <paramref name="backoff"/> and then twice as long each time (at most <paramref name="max"/>), each wait jittered.</summary>
    ITargetDefinition Retries(int count, TimeSpan backoff, TimeSpan? max = null);

    /// <summary>Retries only failures with one of these exit codes (a transient error, e.g. a tool's exit code for HTTP 503); any other failure fails at once.</summary>
    ITargetDefinition RetryOn(params int[] exitCodes);

    /// <summary>At most <paramref name="count"/> task starts per second or minute among all tasks of the build naming <paramref name="name"/> (an external service's limit).</summary>
    ITargetDefinition RateLimit(string name, int count, RatePer per);

    /// <summary>The same, with one limit per name that <paramref name="nameOf"/> gives a partition (e.g. one per archive).</summary>
    ITargetDefinition RateLimit(Func<PartitionKey, string> nameOf, int count, RatePer per);
}

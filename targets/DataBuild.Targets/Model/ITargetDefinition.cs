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

    /// <summary>The container image the task runs in, by digest (e.g. <c>sha256:...</c>).</summary>
    ITargetDefinition Container(string imageDigest);

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

    /// <summary>Runs a command from an argv template: <c>{field}</c>, <c>{out}</c>, <c>{out:name}</c>, <c>{in:name}</c>, <c>{deps:Target}</c>, <c>{param:name}</c>, <c>{cores}</c>.</summary>
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

    ITargetDefinition Walltime(TimeSpan limit);

    /// <summary>At most <paramref name="cap"/> tasks of this group at once, across targets (e.g. an external database).</summary>
    ITargetDefinition ConcurrencyGroup(string name, int cap);

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

using DataBuild.Model;
using DataBuild.Slurm;
using DataBuild.State;

namespace DataBuild.Execution.Slurm;

/// <summary>
/// The cluster's limits, checked before any sbatch: a request above a partition's MaxTime, MaxMemPerNode or MaxMemPerCPU,
/// or above a QoS's MaxWall, fails its nodes here with the value, the limit and where the value was set, rather than as
/// an sbatch error or a job pending forever. Retries and packs stay within the same limits.
/// </summary>
public sealed partial class SlurmExecutor
{
    private IReadOnlyList<PartitionLimits>? _partitionLimits;
    private IReadOnlyList<QosLimits>? _qosLimits;
    private readonly List<RunResult> _refused = [];
    private IReadOnlyList<Invocation>? _preflight;
    private string? _preflightRefusal;

    /// <summary>Every target's request, checked at once when the first nodes are about to be submitted (a build with nothing to run asks the cluster nothing).</summary>
    public void Preflight(IReadOnlyList<Invocation> targets) => _preflight = targets;

    /// <summary>Why the build's requests do not fit the cluster, naming each target that does not; null when they all fit.</summary>
    private string? PreflightRefusal()
    {
        if (_preflight is { } targets)
        {
            _preflight = null;
            var refusals = targets.Select(t => Refusal(t, 1)).OfType<string>().ToList();
            _preflightRefusal = refusals.Count == 0 ? null : string.Join(" ", refusals);
            if (_preflightRefusal is not null) options.Log?.Invoke("error: " + _preflightRefusal);
        }
        return _preflightRefusal;
    }

    /// <summary>Nodes refused before submission, handed to the session by the next <see cref="WaitAsync"/>.</summary>
    private List<RunResult> TakeRefused()
    {
        var refused = _refused.ToList();
        _refused.Clear();
        return refused;
    }

    private IReadOnlyList<PartitionLimits> PartitionLimitsOfCluster() => _partitionLimits ??= client.PartitionsAsync().GetAwaiter().GetResult();

    private IReadOnlyList<QosLimits> QosLimitsOfCluster() => _qosLimits ??= client.QosAsync().GetAwaiter().GetResult();

    private string? PartitionOf(Invocation invocation) => invocation.Scheduler?.Partition ?? options.Partition;

    private string? QosOf(Invocation invocation) => invocation.Scheduler?.Qos ?? options.Qos;

    private PartitionLimits? PartitionLimitsOf(Invocation invocation) =>
        PartitionOf(invocation) is { } name
            ? PartitionLimitsOfCluster().FirstOrDefault(p => p.Name == name)
            : PartitionLimitsOfCluster().FirstOrDefault(p => p.IsDefault);

    /// <summary>The longest time a job of this node may ask for: the partition's MaxTime and the QoS's MaxWall, whichever is less.</summary>
    private TimeSpan? MaxTimeOf(Invocation invocation)
    {
        var partition = PartitionLimitsOf(invocation)?.MaxTime;
        var qos = QosOf(invocation) is { } name ? QosLimitsOfCluster().FirstOrDefault(q => q.Name == name)?.MaxWall : null;
        return partition is { } p && qos is { } q ? (p < q ? p : q) : partition ?? qos;
    }

    /// <summary>The retry policy for this node: time and memory never grow past what its partition and QoS allow.</summary>
    private RetryPolicy RetryPolicyOf(Invocation invocation)
    {
        var policy = options.Retry;
        if (MaxTimeOf(invocation) is { } maxTime && maxTime < policy.EffectiveTimeCap) policy = policy with { TimeCap = maxTime };
        if (PartitionLimitsOf(invocation)?.MaxMemoryPerNodeBytes is { } maxMemory && maxMemory < policy.MemoryCapBytes)
            policy = policy with { MemoryCapBytes = maxMemory };
        return policy;
    }

    /// <summary>Nodes one array task may run in turn without its time (nodes x wall time) passing the limit; null when unbounded.</summary>
    private int? MaxPackOf(Invocation first, int parallel) =>
        first.Walltime is { } time && time > TimeSpan.Zero && MaxTimeOf(first) is { } max
            ? Math.Max(1, (int)(max.Ticks / time.Ticks)) * parallel
            : null;

    /// <summary>Why the cluster would refuse these nodes' request, naming value, limit and origin; null when it fits.</summary>
    private string? Refusal(Invocation first, int parallel)
    {
        var settings = first.Scheduler ?? new SchedulerSettings();
        var target = first.Target;
        var partitions = PartitionLimitsOfCluster();
        if (PartitionOf(first) is { } partitionName && partitions.Count > 0 && partitions.All(p => p.Name != partitionName))
            return $"{target} asks for partition '{partitionName}'{Origin(settings, "partition")}, which this cluster does not have." +
                $"{NearNames.Hint(partitionName, partitions.Select(p => p.Name))} Partitions are: {string.Join(", ", partitions.Select(p => p.Name))}.";
        var qosList = QosLimitsOfCluster();
        if (QosOf(first) is { } qosName && qosList.Count > 0 && qosList.All(q => q.Name != qosName))
            return $"{target} asks for QoS '{qosName}'{Origin(settings, "qos")}, which this cluster does not have." +
                $"{NearNames.Hint(qosName, qosList.Select(q => q.Name))} QoS are: {string.Join(", ", qosList.Select(q => q.Name))}.";
        var partition = PartitionLimitsOf(first);
        var where = partition is null ? "" : $" on partition '{partition.Name}'";
        if (first.Walltime is { } time)
        {
            if (partition?.MaxTime is { } maxTime && time > maxTime)
                return $"{target} asks for --time={SlurmDuration.Format(time)}{Origin(settings, "time")}{where}, above its MaxTime of " +
                    $"{SlurmDuration.Format(maxTime)}. Ask for less time, or for a partition that allows it (--set {target}.partition=...).";
            var qos = QosOf(first) is { } q ? qosList.FirstOrDefault(l => l.Name == q) : null;
            if (qos?.MaxWall is { } maxWall && time > maxWall)
                return $"{target} asks for --time={SlurmDuration.Format(time)}{Origin(settings, "time")} with QoS '{qos.Name}', above its MaxWall of " +
                    $"{SlurmDuration.Format(maxWall)}. Ask for less time, or for a QoS that allows it (--set {target}.qos=...).";
        }
        if (first.MemoryMb is { } mb)
        {
            var memory = mb * SlurmMemory.MiB * parallel;
            if (partition?.MaxMemoryPerNodeBytes is { } maxNode && memory > maxNode)
                return $"{target} asks for --mem={SlurmMemory.Format(memory)} (from .MemoryMb){where}, above its MaxMemPerNode of " +
                    $"{SlurmMemory.Format(maxNode)}. Ask for less memory, or for a partition with bigger nodes (--set {target}.partition=...).";
            var cpus = first.Cores * parallel;
            if (partition?.MaxMemoryPerCpuBytes is { } maxCpu && memory > maxCpu * cpus)
                return $"{target} asks for --mem={SlurmMemory.Format(memory)} (from .MemoryMb) with {cpus} CPU(s){where}, above its MaxMemPerCPU of " +
                    $"{SlurmMemory.Format(maxCpu)} per CPU. Ask for less memory or more cores (.Cores).";
        }
        return null;
    }

    /// <summary>Fails nodes that cannot be submitted as asked; they never reach sbatch.</summary>
    private void Refuse(IEnumerable<Invocation> nodes, string why, bool log = true)
    {
        if (log) options.Log?.Invoke("error: " + why);
        foreach (var node in nodes)
        {
            Running--;
            _refused.Add(new RunResult
            {
                Node = node.Node, Status = BuildStatus.Failed, Message = "not submitted: " + why, Attempt = node.Attempt,
                StartedAt = _clock.UtcNow, EndedAt = _clock.UtcNow,
            });
        }
    }

    private static string Origin(SchedulerSettings settings, string name) =>
        settings.Origins.TryGetValue(name, out var origin) ? $" (set by {origin})" : "";
}

namespace DataBuild.Slurm;

/// <summary>
/// What one partition allows a job (`scontrol show partition`): null where it sets no limit.
/// <paramref name="MaxMemoryPerCpuBytes"/> bounds --mem divided by the CPUs asked for.
/// </summary>
public sealed record PartitionLimits(string Name, bool IsDefault, TimeSpan? MaxTime, long? MaxMemoryPerNodeBytes, long? MaxMemoryPerCpuBytes);

/// <summary>What one QoS allows a job (`sacctmgr show qos`): null where it sets no limit.</summary>
public sealed record QosLimits(string Name, TimeSpan? MaxWall);

using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.State;

namespace DataBuild.Execution;

/// <summary>What running one node produced: for a Slurm worker this is the result file it writes.</summary>
public sealed record RunResult
{
    public required string Node { get; init; }
    public required BuildStatus Status { get; init; }
    public int? ExitCode { get; init; }
    public string? Message { get; init; }
    public IReadOnlyList<OutputEntry> Outputs { get; init; } = [];

    /// <summary>Every output file with its content hash, to seed the stat cache without reading the files again.</summary>
    public IReadOnlyList<FileHash> Files { get; init; } = [];

    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset EndedAt { get; init; }
    public double WallSeconds { get; init; }
    public double? CpuSeconds { get; init; }
    public long? PeakRssKb { get; init; }
    public string Host { get; init; } = Environment.MachineName;
    public string? JobId { get; init; }
    public int Attempt { get; init; } = 1;

    /// <summary>What the task's process tree used over time (empty for in-process tasks and when sampling is off).</summary>
    public IReadOnlyList<ResourceSample> Samples { get; init; } = [];

    /// <summary>Set when the executor knows the failure calls for another attempt with other resources (OOM, time limit).</summary>
    public ResourceRetry? Retry { get; init; }

    /// <summary>What cut this attempt short that was not the task's doing ("preempted", "node failure"), or null.</summary>
    public string? InterruptedBy { get; init; }

    public bool Succeeded => Status == BuildStatus.Succeeded;
}

public sealed record FileHash(string Path, Hash128 Hash);

/// <summary>Run the node again with these resources (null keeps what it had): more memory after an OOM, more time after a time limit.</summary>
public sealed record ResourceRetry(long? MemoryMb, TimeSpan? Walltime);

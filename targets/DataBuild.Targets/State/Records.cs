using DataBuild.Hashing;
using DataBuild.IO;

namespace DataBuild.State;

public enum BuildStatus { Succeeded, Failed, OutOfMemory, TimedOut, Cancelled }

/// <summary>The current state of one node: its last good build (what up-to-date checks compare against) and its last attempt.</summary>
public sealed record NodeRecord(string Node, string Target, long? GoodBuild, long LastBuild, BuildStatus LastStatus, Hash128 TaskKey, Hash128 OutputHash);

/// <summary>The stat cache: a file's content hash is trusted while its stat is unchanged.</summary>
public sealed record FileRecord(FileStat Stat, Hash128 Hash);

/// <summary>One component of a task key, kept so explanations can say what changed: <c>file:raw/q1.csv</c>, <c>param:alpha</c>, ...</summary>
public sealed record InputEntry(string Name, Hash128 Hash, string Display);

public sealed record OutputEntry(string Name, string Path, Hash128 Hash);

/// <summary>One attempt at building one node, successful or not; history is kept.</summary>
public sealed record BuildRecord
{
    public long Id { get; init; }
    public required string Node { get; init; }
    public required string Target { get; init; }
    public long RunId { get; init; }
    public required BuildStatus Status { get; init; }
    public Hash128 TaskKey { get; init; }
    public Hash128 OutputHash { get; init; }
    public IReadOnlyList<InputEntry> Inputs { get; init; } = [];
    public IReadOnlyList<OutputEntry> Outputs { get; init; } = [];
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset EndedAt { get; init; }
    public int? ExitCode { get; init; }
    public double WallSeconds { get; init; }
    public double? CpuSeconds { get; init; }
    public long? PeakRssKb { get; init; }
    public string Host { get; init; } = "";
    public string Executor { get; init; } = "local";
    public string? JobId { get; init; }
    public int Attempt { get; init; } = 1;
    public string? LogPath { get; init; }
    public string? Message { get; init; }
}

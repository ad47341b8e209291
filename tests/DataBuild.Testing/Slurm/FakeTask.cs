using DataBuild.Slurm;

namespace DataBuild.Testing;

/// <summary>One simulated array task. Read it in assertions; change it through <see cref="FakeSlurmClient"/>.</summary>
public sealed class FakeTask
{
    internal FakeTask(SlurmTaskId id, string scriptPath, IReadOnlyDictionary<string, string> options, long? memory, TimeSpan? timeLimit)
    {
        Id = id;
        JobId = id.JobId;
        ScriptPath = scriptPath;
        Options = options;
        MemoryBytes = memory;
        TimeLimit = timeLimit;
    }

    public SlurmTaskId Id { get; }
    /// <summary>The array's id while pending; the task's own id once started, as in Slurm.</summary>
    public long JobId { get; internal set; }
    public string ScriptPath { get; }
    /// <summary>Every sbatch option seen, from #SBATCH lines and the command line ("mem" -> "2G").</summary>
    public IReadOnlyDictionary<string, string> Options { get; }
    public long? MemoryBytes { get; }
    public TimeSpan? TimeLimit { get; }
    public SlurmJobState State { get; internal set; } = SlurmJobState.Pending;
    public int? CancelledByUid { get; internal set; }
    public SlurmExitCode ExitCode { get; internal set; } = SlurmExitCode.Success;
    public TimeSpan Elapsed { get; internal set; }
    public long? MaxRssBytes { get; internal set; }
    public string NodeList { get; internal set; } = "";
    public string Reason { get; internal set; } = "None";
    /// <summary>Purged tasks have aged out of the controller: squeue no longer lists them, sacct still does.</summary>
    public bool Purged { get; internal set; }
    internal int? Throttle { get; init; }
}

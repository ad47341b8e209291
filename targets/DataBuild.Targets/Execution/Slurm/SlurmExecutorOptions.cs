using DataBuild.Slurm;

namespace DataBuild.Execution.Slurm;

/// <summary>How the Slurm executor submits and follows its arrays; the command line fills it from --pack, --partition, ...</summary>
public sealed record SlurmExecutorOptions
{
    /// <summary>The worker's argv up to its own options: the compiled pipeline program (never build.sh: no compiles on compute nodes), "worker", and the build's parameters.</summary>
    public required IReadOnlyList<string> WorkerCommand { get; init; }

    /// <summary>Absolute workspace root: every array task runs there (--chdir), so manifest paths stay relative.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Nodes per array task (--pack K); null picks K from recorded wall times (a few minutes of work per task).</summary>
    public int? Pack { get; init; }

    /// <summary>Nodes an array task runs at once; it asks for that many times one node's CPUs and memory.</summary>
    public int PackParallel { get; init; } = 1;

    /// <summary>One squeue per interval for all jobs; result files are looked for at least every second.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    public string? Partition { get; init; }
    public string? Account { get; init; }
    public string? Qos { get; init; }
    public IReadOnlyList<string> SbatchArguments { get; init; } = [];

    /// <summary>At most this many tasks of one array run at once (--array=...%N).</summary>
    public int? ArrayThrottle { get; init; }

    public RetryPolicy Retry { get; init; } = new();

    /// <summary>Attempts of one node the cluster may take away (preempted, node or boot failure) before it counts as failed.</summary>
    public int MaxInterruptions { get; init; } = 10;

    /// <summary>Polls a task may be missing from squeue (and sacct) before it counts as lost and is retried.</summary>
    public int MissingPollsBeforeLost { get; init; } = 3;

    /// <summary>Called with the job id after sbatch returns and before the id is recorded: a test hook that pauses or kills the driver there.</summary>
    public Action<long>? AfterSubmit { get; init; }

    /// <summary>Where submissions and warnings are reported (plain lines), or nowhere.</summary>
    public Action<string>? Log { get; init; }
}

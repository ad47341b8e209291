namespace DataBuild.Slurm;

/// <summary>
/// Everything the executor asks of Slurm. Each method is one command, whatever the number of jobs:
/// a driver polling a thousand array tasks makes one squeue call per interval, never one per task.
/// </summary>
public interface ISlurmClient
{
    /// <summary>Submits a script (sbatch --parsable); <paramref name="sbatchOptions"/> go before the script. Returns the job id.</summary>
    Task<long> SubmitAsync(string scriptPath, IReadOnlyList<string>? sbatchOptions = null, CancellationToken cancellationToken = default);

    /// <summary>Submits a script with arguments after it (sbatch --parsable OPTIONS SCRIPT ARGS...), so argv travels without a shell string. Returns the job id.</summary>
    Task<long> SubmitWithArgumentsAsync(string scriptPath, IReadOnlyList<string> sbatchOptions, IReadOnlyList<string> scriptArguments, CancellationToken cancellationToken = default);

    /// <summary>Every array task of these jobs, pending to recently finished, in one squeue call. Purged jobs are absent.</summary>
    Task<IReadOnlyList<QueueEntry>> QueueAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default);

    /// <summary>Per-task state, exit code, elapsed, MaxRSS and node, in one sacct call. Throws when accounting is off.</summary>
    Task<IReadOnlyList<AccountingRecord>> AccountingAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default);

    /// <summary>Cancels exactly these jobs (scancel by id), all their array tasks included.</summary>
    Task CancelAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Jobs with these names that squeue still lists, and, when accounting is on, that sacct has seen since <paramref name="since"/>:
    /// one squeue and at most one sacct call. A restarted driver finds by name the arrays whose ids its predecessor never recorded.
    /// </summary>
    Task<IReadOnlyList<NamedJob>> JobsNamedAsync(IReadOnlyCollection<string> names, DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>The cluster's limits and settings (scontrol show config).</summary>
    Task<SlurmConfig> ConfigAsync(CancellationToken cancellationToken = default);

    /// <summary>Every partition's time and memory limits (scontrol show partition).</summary>
    Task<IReadOnlyList<PartitionLimits>> PartitionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Every QoS's limits (sacctmgr show qos); empty when accounting is not configured.</summary>
    Task<IReadOnlyList<QosLimits>> QosAsync(CancellationToken cancellationToken = default);

    /// <summary>True when sacct answers: accounting is configured and slurmdbd is up.</summary>
    Task<bool> IsAccountingAvailableAsync(CancellationToken cancellationToken = default);
}

using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>The real client: runs sbatch, squeue, sacct, scancel and scontrol through an <see cref="ICommandRunner"/>.</summary>
public sealed class SlurmClient(ICommandRunner? runner = null) : ISlurmClient
{
    private readonly ICommandRunner _runner = runner ?? new ProcessCommandRunner();
    private SlurmConfig? _config;
    private bool? _accounting;

    public Task<long> SubmitAsync(string scriptPath, IReadOnlyList<string>? sbatchOptions = null, CancellationToken cancellationToken = default) =>
        SubmitWithArgumentsAsync(scriptPath, sbatchOptions ?? [], [], cancellationToken);

    public async Task<long> SubmitWithArgumentsAsync(string scriptPath, IReadOnlyList<string> sbatchOptions, IReadOnlyList<string> scriptArguments,
        CancellationToken cancellationToken = default)
    {
        var result = await RunAsync("sbatch", ["--parsable", .. sbatchOptions, scriptPath, .. scriptArguments], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SlurmCommandException(result, "Check the #SBATCH lines and limits in the script, and `sinfo` for the partition.");
        // --parsable prints "jobid" or "jobid;cluster".
        var first = result.StandardOutput.Trim().Split('\n')[^1].Split(';')[0].Trim();
        return long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw new SlurmCommandException(result, "sbatch printed no job id; is this Slurm's sbatch?");
    }

    public async Task<IReadOnlyList<QueueEntry>> QueueAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default)
    {
        if (jobIds.Count == 0)
            return [];
        var result = await RunAsync("squeue", SqueueFormat.Arguments(jobIds), cancellationToken).ConfigureAwait(false);
        // When every job asked for has been purged (older than MinJobAge), squeue fails instead of printing nothing.
        if (result.ExitCode != 0 && result.StandardError.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
            return [];
        if (result.ExitCode != 0)
            throw new SlurmCommandException(result, "Is slurmctld up? Try `scontrol ping`.");
        return SqueueParser.Parse(result.StandardOutput);
    }

    public async Task<IReadOnlyList<AccountingRecord>> AccountingAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default)
    {
        if (jobIds.Count == 0)
            return [];
        var result = await RunAsync("sacct", SacctFormat.Arguments(jobIds), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0 || IsAccountingDisabled(result))
            throw new SlurmCommandException(result,
                "Accounting is unavailable; check IsAccountingAvailableAsync first, and follow jobs with squeue alone.");
        return SacctParser.Parse(result.StandardOutput);
    }

    public async Task CancelAsync(IReadOnlyCollection<long> jobIds, CancellationToken cancellationToken = default)
    {
        if (jobIds.Count == 0)
            return;
        var ids = jobIds.Select(id => id.ToString(CultureInfo.InvariantCulture)).ToArray();
        var result = await RunAsync("scancel", ids, cancellationToken).ConfigureAwait(false);
        // scancel exits non-zero for jobs that already ended; that is the outcome asked for, not an error.
        if (result.ExitCode != 0 && !result.StandardError.Contains("already completed", StringComparison.OrdinalIgnoreCase)
            && !result.StandardError.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
            throw new SlurmCommandException(result, "Check `squeue --jobs=" + string.Join(',', ids) + "` and cancel by hand if needed.");
    }

    public async Task<IReadOnlyList<NamedJob>> JobsNamedAsync(IReadOnlyCollection<string> names, DateTimeOffset since,
        CancellationToken cancellationToken = default)
    {
        if (names.Count == 0)
            return [];
        var queue = await RunAsync("squeue", NamedJobFormat.SqueueArguments(names), cancellationToken).ConfigureAwait(false);
        if (queue.ExitCode != 0)
            throw new SlurmCommandException(queue, "Is slurmctld up? Try `scontrol ping`.");
        var found = NamedJobFormat.Parse(queue.StandardOutput).ToList();
        if (!await IsAccountingAvailableAsync(cancellationToken).ConfigureAwait(false))
            return found;
        // squeue forgets a job MinJobAge after it ends; sacct still has it.
        var accounting = await RunAsync("sacct", NamedJobFormat.SacctArguments(names, since.AddMinutes(-1)), cancellationToken).ConfigureAwait(false);
        if (accounting.ExitCode != 0 || IsAccountingDisabled(accounting))
            throw new SlurmCommandException(accounting, "Is slurmdbd up? Try `sacct --allocations` by hand.");
        foreach (var job in NamedJobFormat.Parse(accounting.StandardOutput))
            if (!found.Contains(job)) found.Add(job);
        return found;
    }

    public async Task<SlurmConfig> ConfigAsync(CancellationToken cancellationToken = default)
    {
        if (_config is not null)
            return _config;
        var result = await RunAsync("scontrol", ["show", "config"], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SlurmCommandException(result, "Is slurmctld up? Try `scontrol ping`, or tests/slurm/cluster.sh start.");
        return _config = ScontrolConfigParser.Parse(result.StandardOutput);
    }

    public async Task<IReadOnlyList<PartitionLimits>> PartitionsAsync(CancellationToken cancellationToken = default)
    {
        var result = await RunAsync("scontrol", ["--oneliner", "show", "partition"], cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new SlurmCommandException(result, "Is slurmctld up? Try `scontrol ping`.");
        return LimitsParser.ParsePartitions(result.StandardOutput);
    }

    public async Task<IReadOnlyList<QosLimits>> QosAsync(CancellationToken cancellationToken = default)
    {
        if (!(await ConfigAsync(cancellationToken).ConfigureAwait(false)).AccountingConfigured) return [];
        var result = await RunAsync("sacctmgr", LimitsParser.QosArguments, cancellationToken).ConfigureAwait(false);
        // QoS limits are only enforced through the accounting database: without an answer there is nothing to check against.
        return result.ExitCode == 0 ? LimitsParser.ParseQos(result.StandardOutput) : [];
    }

    public async Task<bool> IsAccountingAvailableAsync(CancellationToken cancellationToken = default)
    {
        if (_accounting is { } known)
            return known;
        var config = await ConfigAsync(cancellationToken).ConfigureAwait(false);
        if (!config.AccountingConfigured)
            return (_accounting = false).Value;
        // Configured is not enough: slurmdbd may be down. Ask sacct something cheap.
        var probe = await RunAsync("sacct", ["--jobs=1", "--parsable2", "--noheader", "--format=JobID"], cancellationToken).ConfigureAwait(false);
        return (_accounting = probe.ExitCode == 0 && !IsAccountingDisabled(probe)).Value;
    }

    // sacct prints this (exit code 0 on some versions) when AccountingStorageType is none.
    private static bool IsAccountingDisabled(CommandResult r) =>
        (r.StandardError + r.StandardOutput).Contains("accounting storage is disabled", StringComparison.OrdinalIgnoreCase);

    private Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        _runner.RunAsync(program, arguments, cancellationToken);
}

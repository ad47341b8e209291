namespace DataBuild.Slurm.Tests;

/// <summary>Polls the way the executor will: one squeue call per interval for all jobs, until every task has ended.</summary>
internal static class JobFollower
{
    public static async Task<(IReadOnlyList<QueueEntry> Entries, int Polls)> UntilFinishedAsync(
        ISlurmClient client, IReadOnlyCollection<long> jobIds, int expectedTasks, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        var polls = 0;
        IReadOnlyList<QueueEntry> entries = [];
        while (DateTime.UtcNow < deadline)
        {
            entries = await client.QueueAsync(jobIds);
            polls++;
            if (entries.Count == expectedTasks && entries.All(e => e.Class.IsFinal()))
                return (entries, polls);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException(
            $"Jobs {string.Join(',', jobIds)} did not finish in time; squeue last said: " +
            string.Join("; ", entries.Select(e => $"{e.Task} {e.State} {e.Reason}")) + ". Is the node idle? Try `sinfo`.");
    }

    /// <summary>sacct lags squeue by a moment (slurmctld sends records to slurmdbd asynchronously).</summary>
    public static async Task<IReadOnlyList<AccountingRecord>> AccountingWhenFinalAsync(
        ISlurmClient client, IReadOnlyCollection<long> jobIds, int expectedTasks)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<AccountingRecord> records = [];
        while (DateTime.UtcNow < deadline)
        {
            records = await client.AccountingAsync(jobIds);
            if (records.Count == expectedTasks && records.All(r => r.Class.IsFinal()))
                return records;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        throw new TimeoutException(
            $"sacct never showed jobs {string.Join(',', jobIds)} as finished; it last said: " +
            string.Join("; ", records.Select(r => $"{r.Task} {r.State}")) + ". Is slurmdbd up? tests/slurm/cluster.sh status");
    }
}

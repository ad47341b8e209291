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

    /// <summary>
    /// sacct lags squeue by seconds and fills a record in pieces: a task can be missing, or show FAILED with
    /// exit code 0:0 before its real code arrives (both seen here). So wait until sacct agrees with squeue.
    /// </summary>
    public static async Task<IReadOnlyList<AccountingRecord>> AccountingAgreeingWithAsync(
        ISlurmClient client, IReadOnlyList<QueueEntry> finished)
    {
        var jobIds = finished.Select(e => e.Task.JobId).Distinct().ToArray();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<AccountingRecord> records = [];
        while (DateTime.UtcNow < deadline)
        {
            records = await client.AccountingAsync(jobIds);
            var byTask = records.ToDictionary(r => r.Task);
            if (finished.All(e => byTask.TryGetValue(e.Task, out var r) && r.State == e.State && r.ExitCode == e.ExitCode))
                return records;
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        throw new TimeoutException(
            $"sacct never agreed with squeue on jobs {string.Join(',', jobIds)}; it last said: " +
            string.Join("; ", records.Select(r => $"{r.Task} {r.State} {r.ExitCode}")) + ". Is slurmdbd up? tests/slurm/cluster.sh status");
    }
}

namespace DataBuild.State;

/// <summary>A batch job a driver submitted: recorded at submission, so a driver that dies can be followed by one that adopts it.</summary>
public sealed record JobRecord(string JobId, long RunId, string Manifest, DateTimeOffset Submitted, string State);

public sealed partial class StateStore
{
    /// <summary>Records a submitted job at once (its own transaction): a crash right after sbatch must not forget it.</summary>
    public void RecordJob(string jobId, long runId, string manifest, DateTimeOffset submitted) =>
        Execute("INSERT OR REPLACE INTO jobs(job_id, run_id, manifest, submitted, state) VALUES ($j, $r, $m, $s, 'submitted')",
            ("$j", jobId), ("$r", runId), ("$m", manifest), ("$s", submitted.ToString("O")));

    /// <summary>
    /// Records, before sbatch, that a job of this (unique) name is about to be submitted: a driver killed between sbatch returning
    /// and <see cref="ResolveJobIntent"/> leaves the name, by which the next driver finds the job instead of submitting it again.
    /// </summary>
    public void RecordJobIntent(string jobName, long runId, string manifest, DateTimeOffset at) =>
        Execute("INSERT OR REPLACE INTO jobs(job_id, run_id, manifest, submitted, state) VALUES ($j, $r, $m, $s, 'intent')",
            ("$j", jobName), ("$r", runId), ("$m", manifest), ("$s", at.ToString("O")));

    /// <summary>The job of an intent got its id: it becomes an open job (one statement, so never both or neither).</summary>
    public void ResolveJobIntent(string jobName, string jobId) =>
        Execute("UPDATE jobs SET job_id = $id, state = 'submitted' WHERE job_id = $j AND state = 'intent'", ("$j", jobName), ("$id", jobId));

    /// <summary>An intent whose job Slurm never had: nothing to adopt, its nodes are submitted again.</summary>
    public void DropJobIntent(string jobName) =>
        Execute("DELETE FROM jobs WHERE job_id = $j AND state = 'intent'", ("$j", jobName));

    /// <summary>Submissions begun and not known to have got a job id (the job id column holds the job's name).</summary>
    public IReadOnlyList<JobRecord> JobIntents() =>
        Query("SELECT job_id, run_id, manifest, submitted, state FROM jobs WHERE state = 'intent' ORDER BY submitted",
            r => new JobRecord(r.GetString(0), r.IsNull(1) ? 0 : r.GetInt64(1), r.GetString(2), Time(r.GetString(3)), r.GetString(4)));

    /// <summary>Jobs not yet known to be finished and fully ingested: what a rerun looks for in the queue.</summary>
    public IReadOnlyList<JobRecord> OpenJobs() =>
        Query("SELECT job_id, run_id, manifest, submitted, state FROM jobs WHERE state = 'submitted' ORDER BY submitted",
            r => new JobRecord(r.GetString(0), r.IsNull(1) ? 0 : r.GetInt64(1), r.GetString(2), Time(r.GetString(3)), r.GetString(4)));

    public void MarkJobDone(string jobId) =>
        Execute("UPDATE jobs SET state = 'done' WHERE job_id = $j", ("$j", jobId));

    /// <summary>Wall times of the latest successful builds of a target, to size packs from history.</summary>
    public IReadOnlyList<double> RecentWallSeconds(string target, int limit = 200) =>
        Query("SELECT wall_s FROM builds WHERE target = $t AND status = 'Succeeded' ORDER BY id DESC LIMIT $n",
            r => r.GetDouble(0), ("$t", target), ("$n", limit));

    /// <summary>Peak RSS of the node's last successful build, when one was measured: the basis of an OOM retry's memory.</summary>
    public long? LastGoodPeakRssKb(string node) =>
        Query("SELECT peak_rss_kb FROM builds WHERE node = $n AND status = 'Succeeded' AND peak_rss_kb IS NOT NULL ORDER BY id DESC LIMIT 1",
            r => r.GetInt64(0), ("$n", node)).Cast<long?>().FirstOrDefault();
}

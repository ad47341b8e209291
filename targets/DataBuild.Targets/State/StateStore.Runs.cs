namespace DataBuild.State;

/// <summary>One run of the driver: when, who and where (<c>user@host</c>), the command line, and how it ended (null while it runs or after a crash).</summary>
public sealed record RunRecord(long Id, DateTimeOffset Started, DateTimeOffset? Ended, string Host, string Command, string Status);

public sealed partial class StateStore
{
    /// <summary>The run with this id, or null.</summary>
    public RunRecord? LoadRun(long id) =>
        Query("SELECT id, started, ended, host, command, status FROM runs WHERE id = $id", ReadRun, ("$id", id)).FirstOrDefault();

    /// <summary>The id of the latest run (a plan or a no-op answered from the up-to-date snapshot records none), or null when there is none.</summary>
    public long? LastRunId() => RecentRunIds(1).Cast<long?>().FirstOrDefault();

    /// <summary>The ids of the latest runs, newest first.</summary>
    public IReadOnlyList<long> RecentRunIds(int limit) =>
        Query("SELECT id FROM runs ORDER BY id DESC LIMIT $n", r => r.GetInt64(0), ("$n", limit));

    /// <summary>The batch jobs a run submitted, in order, with their last known state.</summary>
    public IReadOnlyList<JobRecord> JobsOfRun(long runId) =>
        Query("SELECT job_id, run_id, manifest, submitted, state FROM jobs WHERE run_id = $r ORDER BY submitted",
            r => new JobRecord(r.GetString(0), r.GetInt64(1), r.GetString(2), Time(r.GetString(3)), r.GetString(4)), ("$r", runId));

    private static RunRecord ReadRun(SqliteStatement r) => new(
        r.GetInt64(0), Time(r.GetString(1)), r.IsNull(2) ? null : Time(r.GetString(2)),
        r.IsNull(3) ? "" : r.GetString(3), r.IsNull(4) ? "" : r.GetString(4), r.IsNull(5) ? "" : r.GetString(5));
}

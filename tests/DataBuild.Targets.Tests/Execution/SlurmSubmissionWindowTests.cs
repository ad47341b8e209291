using DataBuild.Execution;
using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.Targets.Tests.Execution;

/// <summary>
/// The window between sbatch returning and the job id reaching the state: a driver that dies there must never cause a
/// second submission of the same nodes (the intent, recorded under the array's unique job name, lets the rerun find it).
/// </summary>
public sealed class SlurmSubmissionWindowTests : IDisposable
{
    private readonly FakeSlurmCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    private static readonly TaskSpec NoTask = new ArgvTaskSpec(["true"]);

    private static Invocation[] Nodes(int count) => Enumerable.Range(0, count).Select(i => FakeSlurmCluster.Node($"n{i}")).ToArray();

    private sealed class DriverKilled : Exception;

    /// <summary>A driver that dies as soon as sbatch answers, before it records the job id.</summary>
    private void SubmitAndDieInTheWindow(int nodes)
    {
        using var dying = _cluster.Executor(pack: 1, afterSubmit: _ => throw new DriverKilled());
        foreach (var n in Nodes(nodes)) dying.Start(n, NoTask);
        Assert.Throws<DriverKilled>(dying.Flush);
    }

    [Fact]
    public async Task A_driver_killed_between_sbatch_and_recording_the_job_is_followed_by_a_rerun_that_adopts_the_array_and_submits_nothing()
    {
        SubmitAndDieInTheWindow(3);
        Assert.Single(_cluster.State.JobIntents());
        Assert.Empty(_cluster.State.OpenJobs());
        var log = new List<string>();

        using var rerun = _cluster.Executor(pack: 1, log: log.Add);
        var adopted = Nodes(3).Select(rerun.TryAdopt).ToList();
        _cluster.RunAll();
        var results = await FakeSlurmCluster.WaitFor(rerun, 3);

        Assert.Equal([true, true, true], adopted);
        Assert.Equal(1, _cluster.Client.SubmitCalls);
        Assert.Equal(1, _cluster.Client.NameLookups);
        Assert.Contains(log, l => l.StartsWith("found job array 1000 (databuild-T-", StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal(BuildStatus.Succeeded, r.Status));
        Assert.Empty(_cluster.State.JobIntents());
    }

    [Fact]
    public void An_intent_whose_sbatch_never_reached_Slurm_is_dropped_and_its_nodes_are_submitted_afresh()
    {
        _cluster.State.RecordJobIntent("databuild-T-000000000000", 1, ".databuild/slurm/1/001-T/manifest.jsonl", DateTimeOffset.UtcNow.AddMinutes(-1));
        var log = new List<string>();

        using var rerun = _cluster.Executor(pack: 1, log: log.Add);

        Assert.False(rerun.TryAdopt(Nodes(1)[0]));
        Assert.Empty(_cluster.State.JobIntents());
        Assert.Contains("job array databuild-T-000000000000 of an earlier driver never reached Slurm: its nodes are submitted afresh", log);
    }

    [Fact]
    public void When_Slurm_cannot_say_whether_an_intent_was_submitted_the_build_stops_rather_than_risk_submitting_twice()
    {
        SubmitAndDieInTheWindow(1);
        _cluster.Client.NameLookupFails = true;

        var error = Assert.Throws<InvalidOperationException>(() => _cluster.Executor(pack: 1));

        Assert.StartsWith("An earlier driver may have submitted job array(s) databuild-T-", error.Message);
        Assert.Contains("Rerun once `squeue` answers", error.Message);
        Assert.Single(_cluster.State.JobIntents());
        Assert.Equal(1, _cluster.Client.SubmitCalls);
    }

    [Fact]
    public void Every_array_gets_a_job_name_of_its_own_and_leaves_no_intent_once_its_id_is_recorded()
    {
        using var executor = _cluster.Executor(pack: 1);
        foreach (var n in Nodes(2)) executor.Start(n, NoTask);
        executor.Flush();
        foreach (var n in Nodes(2)) executor.Start(n with { Node = n.Node + "2", MemoryMb = 4000 }, NoTask);
        executor.Flush();

        var names = _cluster.Client.Tasks.Select(t => t.Options["job-name"]).Distinct().ToList();
        Assert.Equal(2, names.Count);
        Assert.All(names, n => Assert.Matches("^databuild-T-[0-9a-f]{12}$", n));
        Assert.Empty(_cluster.State.JobIntents());
        Assert.Equal(["1000", "1001"], _cluster.State.OpenJobs().Select(j => j.JobId).Order());
    }
}

using DataBuild.Execution;
using DataBuild.Execution.Slurm;
using DataBuild.Model;
using DataBuild.Slurm;
using DataBuild.State;

namespace DataBuild.Targets.Tests.Execution;

public sealed class SlurmExecutorTests : IDisposable
{
    private readonly FakeSlurmCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    private static readonly TaskSpec NoTask = new ArgvTaskSpec(["true"]);

    private static void Offer(IExecutor executor, params Invocation[] nodes)
    {
        foreach (var n in nodes) executor.Start(n, NoTask);
        executor.Flush();
    }

    private static Invocation[] Nodes(int count, string target = "T", long? memoryMb = 100) =>
        Enumerable.Range(0, count).Select(i => FakeSlurmCluster.Node($"n{i}", target, memoryMb)).ToArray();

    [Fact]
    public void Nodes_of_one_target_and_resources_become_one_array_of_packs()
    {
        using var executor = _cluster.Executor(pack: 2);

        Offer(executor, [.. Nodes(5, "A"), .. Nodes(3, "B", memoryMb: 4000)]);

        Assert.Equal(2, _cluster.Client.SubmitCalls);
        var a = _cluster.Client.Tasks.Where(t => t.Options["job-name"].StartsWith("databuild-A-", StringComparison.Ordinal)).ToList();
        var b = _cluster.Client.Tasks.Where(t => t.Options["job-name"].StartsWith("databuild-B-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, a.Count); // 5 nodes, 2 per task
        Assert.Equal(2, b.Count);
        Assert.Equal("100M", a[0].Options["mem"]);
        Assert.Equal(8, executor.Running);
        var script = File.ReadAllText(a[0].ScriptPath);
        Assert.Contains("#SBATCH --array=0-2\n", script);
        Assert.Contains("%A_%a.out", script);
        Assert.Contains("exec databuild worker --manifest .databuild/slurm/1/001-A/manifest.jsonl --pack 2\n", script);
    }

    [Fact]
    public void Arrays_are_chunked_below_MaxArraySize()
    {
        using var cluster = new FakeSlurmCluster(new SlurmConfig(new Dictionary<string, string> { ["MaxArraySize"] = "3", ["MaxJobCount"] = "1000" }));
        using var executor = cluster.Executor(pack: 1);

        Offer(executor, Nodes(7));

        Assert.Equal(3, cluster.Client.SubmitCalls);
        Assert.Equal([3, 2, 2], cluster.Client.Tasks.GroupBy(t => t.Id.JobId).Select(g => g.Count()));
    }

    [Fact]
    public void Without_pack_a_node_with_no_history_is_packed_to_fill_about_five_minutes()
    {
        using var executor = _cluster.Executor();

        Offer(executor, Nodes(25));

        Assert.Equal(3, _cluster.Client.Tasks.Count); // 30 s assumed per node: 10 per array task
    }

    [Fact]
    public async Task A_result_is_ingested_as_soon_as_its_file_appears_while_its_pack_still_runs()
    {
        using var executor = _cluster.Executor(pack: 2);
        Offer(executor, Nodes(2));
        var task = _cluster.Client.Tasks.Single();
        _cluster.Client.Start(task.Id);

        _cluster.RunWorker(task.Id, 0);
        var results = await FakeSlurmCluster.WaitFor(executor, 1);

        Assert.Equal("T[n0]", Assert.Single(results).Node);
        Assert.Equal($"{task.Id}", results[0].JobId);
        Assert.Equal(1, executor.Running);
    }

    [Fact]
    public async Task All_jobs_are_followed_with_one_squeue_per_poll_interval()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, [.. Nodes(3, "A"), .. Nodes(3, "B", memoryMb: 4000)]);
        var started = DateTime.UtcNow;

        var waiting = FakeSlurmCluster.WaitFor(executor, 6);
        await Task.Delay(200);
        _cluster.RunAll();
        await waiting;

        var polls = _cluster.Client.QueueCalls;
        Assert.Equal(executor.QueuePolls, polls);
        Assert.InRange(polls, 1, (DateTime.UtcNow - started).TotalMilliseconds / 20 + 1);
    }

    [Fact]
    public async Task An_out_of_memory_task_is_reported_as_OOM_and_retried_with_twice_the_memory()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(1));

        _cluster.Client.RunOutOfMemory(_cluster.Client.Tasks.Single().Id);
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Equal(BuildStatus.OutOfMemory, result.Status);
        Assert.StartsWith("OOM: Slurm task 1000_0 ended OutOfMemory", result.Message);
        Assert.Contains("Slurm log: .databuild/slurm/1/001-T/logs/1000_0.out; log: .databuild/logs/T/n0.log", result.Message);
        Assert.Equal(200, result.Retry?.MemoryMb);
    }

    [Fact]
    public async Task An_OOM_retry_takes_the_last_good_peak_RSS_times_the_margin_when_history_has_one()
    {
        _cluster.State.Record([new BuildRecord { Node = "T[n0]", Target = "T", Status = BuildStatus.Succeeded, PeakRssKb = 300 * 1024 }], []);
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(1));

        _cluster.Client.RunOutOfMemory(_cluster.Client.Tasks.Single().Id);
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Equal(450, result.Retry?.MemoryMb);
    }

    [Fact]
    public async Task A_pack_killed_midway_keeps_the_results_that_finished_and_fails_the_rest()
    {
        using var executor = _cluster.Executor(pack: 3);
        Offer(executor, Nodes(3));
        var task = _cluster.Client.Tasks.Single().Id;

        _cluster.RunWorker(task, 0, 1);
        _cluster.Client.TimeOut(task);
        var results = await FakeSlurmCluster.WaitFor(executor, 3);

        Assert.Equal([BuildStatus.Succeeded, BuildStatus.Succeeded, BuildStatus.TimedOut], results.OrderBy(r => r.Node).Select(r => r.Status));
        Assert.StartsWith("TIMEOUT: ", results.Single(r => r.Node == "T[n2]").Message);
    }

    [Fact]
    public async Task A_rerun_adopts_a_still_running_task_instead_of_submitting_it_again()
    {
        using (var crashed = _cluster.Executor(pack: 1)) Offer(crashed, Nodes(2));
        var task = _cluster.Client.Tasks[0].Id;
        _cluster.Client.Start(task);

        using var rerun = _cluster.Executor(pack: 1);
        var adopted = Nodes(2).Select(rerun.TryAdopt).ToList();
        _cluster.RunAll();
        var results = await FakeSlurmCluster.WaitFor(rerun, 2);

        Assert.Equal([true, true], adopted);
        Assert.Equal(1, _cluster.Client.SubmitCalls);
        Assert.Equal(["T[n0]", "T[n1]"], results.Select(r => r.Node).Order());
    }

    [Fact]
    public async Task A_rerun_ingests_a_result_written_while_no_driver_watched_and_later_runs_find_nothing_to_adopt()
    {
        using (var crashed = _cluster.Executor(pack: 1)) Offer(crashed, Nodes(1));
        _cluster.RunAll();

        using (var rerun = _cluster.Executor(pack: 1))
        {
            Assert.True(rerun.TryAdopt(Nodes(1)[0]));
            Assert.True(Assert.Single(await FakeSlurmCluster.WaitFor(rerun, 1)).Succeeded);
            await rerun.WaitAsync(CancellationToken.None); // the session recorded it: settle
        }
        using var third = _cluster.Executor(pack: 1);

        Assert.False(third.TryAdopt(Nodes(1)[0]));
        Assert.Empty(_cluster.State.OpenJobs());
    }

    [Fact]
    public void A_node_whose_task_key_changed_is_not_adopted()
    {
        using (var crashed = _cluster.Executor(pack: 1)) Offer(crashed, Nodes(1));

        using var rerun = _cluster.Executor(pack: 1);

        Assert.False(rerun.TryAdopt(Nodes(1)[0] with { TaskKey = "changed" }));
    }

    [Fact]
    public async Task Cancelling_scancels_our_job_ids_only_and_reports_what_did_not_finish_as_cancelled()
    {
        var someoneElses = _cluster.Files.FullPath("theirs.sh");
        File.WriteAllText(someoneElses, "#!/bin/bash\n#SBATCH --array=0-3\ntrue\n");
        var theirs = await _cluster.Client.SubmitAsync(someoneElses);
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(2));
        var ours = _cluster.Client.Tasks.Select(t => t.Id.JobId).Where(j => j != theirs).Distinct().ToList();
        _cluster.RunWorker(new SlurmTaskId(ours[0], 0));

        executor.CancelAll();
        var results = await executor.WaitAsync(CancellationToken.None);

        Assert.Equal(ours, _cluster.Client.CancelRequests);
        Assert.Equal([BuildStatus.Succeeded, BuildStatus.Cancelled], results.OrderBy(r => r.Node).Select(r => r.Status));
        Assert.All(_cluster.Client.Tasks.Where(t => t.Id.JobId == theirs), t => Assert.Equal(SlurmJobState.Pending, t.State));
    }

    [Fact]
    public async Task A_task_squeue_and_sacct_have_forgotten_is_retried_as_lost()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(1));

        _cluster.Client.Purge(_cluster.Client.Tasks.Single().Id.JobId);
        _cluster.Client.AccountingEnabled = false;
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.StartsWith("NODE_FAIL: Slurm task 1000_0 ended gone from squeue and sacct", result.Message);
        Assert.NotNull(result.Retry);
    }

    [Theory]
    [InlineData(100, 256)]
    [InlineData(300, 384)]
    [InlineData(512, 512)]
    [InlineData(513, 768)]
    [InlineData(1100, 1536)]
    [InlineData(1600, 2048)]
    public void Memory_is_bucketed_so_arrays_stay_few(long mb, long bucket) => Assert.Equal(bucket, SlurmExecutor.MemoryBucket(mb));
}

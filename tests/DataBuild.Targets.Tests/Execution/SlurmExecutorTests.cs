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
    public void Nodes_of_one_target_with_different_scheduler_settings_go_to_different_arrays_each_asking_for_its_own()
    {
        _cluster.Client.Partitions = [new PartitionLimits("debug", true, null, null, null), new PartitionLimits("long", false, null, null, null)];
        using var executor = _cluster.Executor(pack: 1);
        var big = new SchedulerSettings
        {
            Partition = "long", Account = "desi", Qos = "shared", Constraint = "haswell", GpuOption = GpuOption.GpusPerTask, CpusPerGpu = 32,
            SbatchArguments = ["--exclusive"],
        };
        var small = new SchedulerSettings { Partition = "debug" };

        Offer(executor, [
            .. Nodes(2).Select(n => n with { Scheduler = big, Gpus = 1, Walltime = TimeSpan.FromHours(36) }),
            .. Nodes(3).Select((n, i) => n with { Node = $"T[m{i}]", Scheduler = small, Walltime = TimeSpan.FromMinutes(30) }),
        ]);

        Assert.Equal(2, _cluster.Client.SubmitCalls);
        var jobs = _cluster.Client.Tasks.GroupBy(t => t.Id.JobId).Select(g => g.First().Options).ToList();
        var longJob = Assert.Single(jobs, o => o["partition"] == "long");
        Assert.Equal(("desi", "shared", "haswell", "1", "32", "1-12:00:00"),
            (longJob["account"], longJob["qos"], longJob["constraint"], longJob["gpus-per-task"], longJob["cpus-per-gpu"], longJob["time"]));
        Assert.False(longJob.ContainsKey("cpus-per-task"));
        Assert.True(longJob.ContainsKey("exclusive"));
        var debugJob = Assert.Single(jobs, o => o["partition"] == "debug");
        Assert.Equal(("1", "0-00:30:00"), (debugJob["cpus-per-task"], debugJob["time"]));
        Assert.False(debugJob.ContainsKey("account"));
        Assert.Equal(3, _cluster.Client.Tasks.Count(t => t.Options["partition"] == "debug"));
    }

    private static Invocation Timed(Invocation node, TimeSpan time, SchedulerSettings? settings = null) =>
        node with { Walltime = time, Scheduler = settings ?? new SchedulerSettings() };

    private static SchedulerSettings FromProfile(string partition, string time) => new()
    {
        Partition = partition,
        Origins = new Dictionary<string, string> { ["time"] = time },
    };

    [Fact]
    public async Task A_time_above_the_partitions_MaxTime_is_refused_before_any_sbatch_naming_value_limit_and_profile_line()
    {
        _cluster.Client.Partitions = [new PartitionLimits("debug", true, TimeSpan.FromMinutes(30), null, null)];
        using var executor = _cluster.Executor(pack: 1);

        Offer(executor, Timed(Nodes(1)[0], TimeSpan.FromHours(2), FromProfile("debug", "databuild.yaml:4 (targets.T.time)")));
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Equal(0, _cluster.Client.SubmitCalls);
        Assert.Equal(BuildStatus.Failed, result.Status);
        Assert.Equal("not submitted: T asks for --time=0-02:00:00 (set by databuild.yaml:4 (targets.T.time)) on partition 'debug', above its MaxTime of " +
            "0-00:30:00. Ask for less time, or for a partition that allows it (--set T.partition=...).", result.Message);
        Assert.Null(result.Retry);
        Assert.Equal(0, executor.Running);
    }

    [Fact]
    public async Task A_target_above_a_limit_anywhere_in_the_build_refuses_every_node_before_the_first_sbatch()
    {
        _cluster.Client.Partitions = [new PartitionLimits("debug", true, TimeSpan.FromMinutes(30), null, null)];
        using var executor = _cluster.Executor(pack: 1);
        // Fits is ready now; Later, whose nodes are not even known yet, asks for more than debug allows.
        executor.Preflight([Timed(Nodes(1, "Fits")[0], TimeSpan.FromMinutes(10)), Timed(Nodes(1, "Later")[0], TimeSpan.FromHours(2), FromProfile("debug", "databuild.yaml:7 (targets.Later.time)"))]);

        Offer(executor, Timed(Nodes(2, "Fits")[0], TimeSpan.FromMinutes(10)), Timed(Nodes(2, "Fits")[1], TimeSpan.FromMinutes(10)));
        var results = await FakeSlurmCluster.WaitFor(executor, 2);

        Assert.Equal(0, _cluster.Client.SubmitCalls);
        Assert.All(results, r => Assert.Equal("not submitted: Later asks for --time=0-02:00:00 (set by databuild.yaml:7 (targets.Later.time)) on partition 'debug', " +
            "above its MaxTime of 0-00:30:00. Ask for less time, or for a partition that allows it (--set Later.partition=...).", r.Message));
        Assert.Equal(0, executor.Running);
    }

    [Fact]
    public void A_build_whose_targets_all_fit_submits_as_before_and_asks_the_limits_only_once_nodes_are_offered()
    {
        _cluster.Client.Partitions = [new PartitionLimits("debug", true, TimeSpan.FromMinutes(30), null, null)];
        using var executor = _cluster.Executor(pack: 1);

        executor.Preflight([Timed(Nodes(1, "Fits")[0], TimeSpan.FromMinutes(10))]);
        Offer(executor, Timed(Nodes(1, "Fits")[0], TimeSpan.FromMinutes(10)));

        Assert.Equal(1, _cluster.Client.SubmitCalls);
    }

    [Fact]
    public async Task A_partition_or_QoS_the_cluster_does_not_have_is_refused_with_the_near_name()
    {
        _cluster.Client.Partitions = [new PartitionLimits("debug", true, null, null, null), new PartitionLimits("long", false, null, null, null)];
        _cluster.Client.Qos = [new QosLimits("normal", null), new QosLimits("short", TimeSpan.FromHours(1))];
        using var executor = _cluster.Executor(pack: 1);

        Offer(executor, Nodes(1, "A")[0] with { Scheduler = new SchedulerSettings { Partition = "lon" } },
            Nodes(1, "B")[0] with { Scheduler = new SchedulerSettings { Qos = "shrt" } });
        var results = (await FakeSlurmCluster.WaitFor(executor, 2)).OrderBy(r => r.Node).ToList();

        Assert.Equal(0, _cluster.Client.SubmitCalls);
        Assert.Equal("not submitted: A asks for partition 'lon', which this cluster does not have. Did you mean 'long'? Partitions are: debug, long.",
            results[0].Message);
        Assert.Equal("not submitted: B asks for QoS 'shrt', which this cluster does not have. Did you mean 'short'? QoS are: normal, short.",
            results[1].Message);
    }

    [Fact]
    public async Task Memory_above_MaxMemPerNode_or_MaxMemPerCPU_and_time_above_a_QoS_MaxWall_are_refused()
    {
        _cluster.Client.Partitions = [new PartitionLimits("debug", true, null, 1000 * SlurmMemory.MiB, null),
            new PartitionLimits("small", false, null, null, 100 * SlurmMemory.MiB)];
        _cluster.Client.Qos = [new QosLimits("short", TimeSpan.FromHours(1))];
        using var executor = _cluster.Executor(pack: 1);

        Offer(executor, FakeSlurmCluster.Node("n0", "Big", memoryMb: 2000),
            FakeSlurmCluster.Node("n0", "PerCpu", memoryMb: 300) with { Cores = 2, Scheduler = new SchedulerSettings { Partition = "small" } },
            Timed(FakeSlurmCluster.Node("n0", "Long"), TimeSpan.FromHours(3), new SchedulerSettings { Qos = "short" }),
            FakeSlurmCluster.Node("n0", "Fits", memoryMb: 200) with { Cores = 2, Scheduler = new SchedulerSettings { Partition = "small" } });
        var results = (await FakeSlurmCluster.WaitFor(executor, 3)).ToDictionary(r => r.Node, r => r.Message);

        Assert.Equal(1, _cluster.Client.SubmitCalls); // Fits
        Assert.StartsWith("not submitted: Big asks for --mem=2000M (from .MemoryMb) on partition 'debug', above its MaxMemPerNode of 1000M.", results["Big[n0]"]);
        Assert.StartsWith("not submitted: PerCpu asks for --mem=300M (from .MemoryMb) with 2 CPU(s) on partition 'small', above its MaxMemPerCPU of 100M per CPU.",
            results["PerCpu[n0]"]);
        Assert.StartsWith("not submitted: Long asks for --time=0-03:00:00 with QoS 'short', above its MaxWall of 0-01:00:00.", results["Long[n0]"]);
    }

    [Fact]
    public async Task A_worker_stopped_by_the_time_limit_is_reported_as_TIMEOUT_and_retried_with_twice_the_time_not_as_cancelled()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Timed(Nodes(1)[0], TimeSpan.FromHours(1)));
        var task = _cluster.Client.Tasks.Single().Id;

        _cluster.StopWorker(task);
        _cluster.Client.TimeOut(task);
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Equal(BuildStatus.TimedOut, result.Status);
        Assert.StartsWith("TIMEOUT: Slurm task 1000_0 ended Timeout", result.Message);
        Assert.Equal(TimeSpan.FromHours(2), result.Retry?.Walltime);
    }

    [Fact]
    public async Task A_users_scancel_of_one_array_task_is_reported_as_cancelled_and_not_retried_while_its_neighbours_build()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(2));
        var (cancelled, other) = (_cluster.Client.Tasks[0].Id, _cluster.Client.Tasks[1].Id);

        _cluster.StopWorker(cancelled);
        _cluster.Client.CancelTask(cancelled);
        _cluster.RunWorker(other);
        _cluster.Client.Complete(other);
        var results = (await FakeSlurmCluster.WaitFor(executor, 2)).ToDictionary(r => r.Node);

        Assert.Equal(BuildStatus.Failed, results["T[n0]"].Status);
        Assert.StartsWith("CANCELLED: Slurm task 1000_0 ended Cancelled", results["T[n0]"].Message);
        Assert.Contains("cancelled by scancel: not retried", results["T[n0]"].Message);
        Assert.Null(results["T[n0]"].Retry);
        Assert.Equal(BuildStatus.Succeeded, results["T[n1]"].Status);
    }

    [Fact]
    public async Task A_task_stopped_when_its_node_went_down_and_requeued_by_Slurm_delivers_its_new_runs_result_and_is_never_submitted_again()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(1));
        var task = _cluster.Client.Tasks.Single().Id;
        _cluster.Client.Start(task);

        _cluster.StopWorker(task);
        _cluster.Client.Requeue(task);
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.WaitAsync(quiet.Token));
        _cluster.Client.Start(task);
        _cluster.RunWorker(task);
        _cluster.Client.Complete(task);
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Equal(BuildStatus.Succeeded, result.Status);
        Assert.Equal(1, _cluster.Client.SubmitCalls);
    }

    [Fact]
    public async Task A_timeout_retry_never_asks_for_more_than_the_partitions_MaxTime()
    {
        _cluster.Client.Partitions = [new PartitionLimits("debug", true, TimeSpan.FromMinutes(90), null, null)];
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Timed(Nodes(1)[0], TimeSpan.FromHours(1)));

        _cluster.Client.TimeOut(_cluster.Client.Tasks.Single().Id);
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Equal(BuildStatus.TimedOut, result.Status);
        Assert.Equal(TimeSpan.FromMinutes(90), result.Retry?.Walltime);
        Assert.Contains("capped at 0-01:30:00", result.Message);
    }

    [Fact]
    public void A_pack_holds_no_more_nodes_in_turn_than_fit_in_MaxTime()
    {
        _cluster.Client.Partitions = [new PartitionLimits("debug", true, TimeSpan.FromMinutes(50), null, null)];
        using var executor = _cluster.Executor(pack: 10);

        Offer(executor, Nodes(7).Select(n => Timed(n, TimeSpan.FromMinutes(20))).ToArray());

        Assert.Equal(4, _cluster.Client.Tasks.Count); // 2 nodes of 20 min per task within 50 min
        Assert.All(_cluster.Client.Tasks, t => Assert.Equal("0-00:40:00", t.Options["time"]));
    }

    [Fact]
    public void Only_a_task_that_keeps_a_checkpoint_is_warned_before_its_time_limit_by_default_two_minutes()
    {
        using var executor = _cluster.Executor(pack: 1);
        Invocation Checkpointing(string target, int? seconds) => FakeSlurmCluster.Node("n0", target) with
        {
            Argv = ["train", "--resume", "/ws/.databuild/checkpoints/T/n0"], CheckpointDirectory = ".databuild/checkpoints/T/n0",
            Walltime = TimeSpan.FromMinutes(10), Scheduler = new SchedulerSettings { SignalSeconds = seconds },
        };

        Offer(executor, Checkpointing("Default", null), Checkpointing("Custom", 300),
            FakeSlurmCluster.Node("n0", "Plain") with { Argv = ["cp", "a", "b"], Walltime = TimeSpan.FromMinutes(10) });

        // Job names are "databuild-<target>-<token>": the target is the second part.
        var signals = _cluster.Client.Tasks.ToDictionary(t => string.Join("-", t.Options["job-name"].Split('-')[..2]), t => t.Options.GetValueOrDefault("signal"));
        Assert.Equal("B:USR1@120", signals["databuild-Default"]);
        Assert.Equal("B:USR1@300", signals["databuild-Custom"]);
        Assert.Null(signals["databuild-Plain"]);
    }

    [Fact]
    public void A_CSharp_step_is_warned_only_when_its_target_or_profile_sets_the_signal()
    {
        using var executor = _cluster.Executor(pack: 1);
        // A C# step (no argv) always has a checkpoint directory; whether it listens, only its CheckpointSignal says.
        Invocation Step(string target, int? seconds) => FakeSlurmCluster.Node("n0", target) with
        {
            CheckpointDirectory = $".databuild/checkpoints/{target}/n0", Walltime = TimeSpan.FromMinutes(10),
            Scheduler = new SchedulerSettings { SignalSeconds = seconds },
        };

        Offer(executor, Step("Listening", 60), Step("Silent", null));

        var signals = _cluster.Client.Tasks.ToDictionary(t => string.Join("-", t.Options["job-name"].Split('-')[..2]), t => t.Options.GetValueOrDefault("signal"));
        Assert.Equal("B:USR1@60", signals["databuild-Listening"]);
        Assert.Null(signals["databuild-Silent"]);
    }

    [Fact]
    public void A_worker_stopped_by_Slurms_SIGTERM_leaves_the_outcome_to_Slurm_and_reports_everything_else()
    {
        var cancelled = new RunResult { Node = "n0", Status = BuildStatus.Cancelled, Message = "cancelled" };
        var failed = new RunResult { Node = "n0", Status = BuildStatus.Failed, Message = "exit code 1" };

        Assert.False(SlurmWorker.Reports(cancelled, terminated: true)); // a requeued job runs it again; a time limit is TIMEOUT in Slurm
        Assert.True(SlurmWorker.Reports(failed, terminated: true));     // it failed on its own before the signal
        Assert.True(SlurmWorker.Reports(cancelled, terminated: false));
    }

    [Fact]
    public void A_task_stopped_at_the_warning_with_a_checkpoint_is_retried_with_the_same_time_and_memory()
    {
        var node = FakeSlurmCluster.Node("n0") with { CheckpointDirectory = ".databuild/checkpoints/T/n0", Walltime = TimeSpan.FromMinutes(1), Attempt = 2 };
        var failed = new RunResult { Node = node.Node, Status = BuildStatus.Failed, Message = "exit code 3; log: x.log" };

        var resumed = SlurmWorker.ResumeAfterWarning(failed, node, warned: true);

        Assert.Equal(BuildStatus.TimedOut, resumed.Status);
        Assert.Equal(new ResourceRetry(100, TimeSpan.FromMinutes(1)), resumed.Retry);
        Assert.StartsWith("CHECKPOINTED: stopped at the time-limit warning; resuming from .databuild/checkpoints/T/n0", resumed.Message);
        Assert.Same(failed, SlurmWorker.ResumeAfterWarning(failed, node, warned: false));
        Assert.Same(failed, SlurmWorker.ResumeAfterWarning(failed, node with { CheckpointDirectory = null }, warned: true));
        Assert.Null(SlurmWorker.ResumeAfterWarning(failed, node with { Attempt = SlurmWorker.MaxCheckpointAttempts }, warned: true).Retry);
    }

    [Fact]
    public async Task A_preempted_task_is_retried_as_it_was_resuming_from_its_checkpoint_without_counting_as_a_failure()
    {
        using var executor = _cluster.Executor(pack: 1);
        // Its third attempt: two lost to preemption already, which the retry policy (MaxAttempts 3) must not count.
        Offer(executor, Timed(Nodes(1)[0], TimeSpan.FromMinutes(10)) with { CheckpointDirectory = ".databuild/checkpoints/T/n0", Attempt = 3, Interruptions = 2 });

        _cluster.Client.Preempt(_cluster.Client.Tasks.Single().Id);
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Equal("preempted", result.InterruptedBy);
        Assert.Equal(new ResourceRetry(100, TimeSpan.FromMinutes(10)), result.Retry);
        Assert.StartsWith("PREEMPTED: Slurm task 1000_0 ended Preempted", result.Message);
        Assert.Contains("preempted 3x, not the task's failure: retrying as it was, resuming from .databuild/checkpoints/T/n0", result.Message);
    }

    [Fact]
    public async Task A_node_failure_is_an_interruption_and_the_task_own_attempts_still_decide_an_OOM_retry()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(1)[0] with { Attempt = 3, Interruptions = 2 }, Nodes(2)[1] with { Attempt = 3, Interruptions = 2 });
        var tasks = _cluster.Client.Tasks;

        _cluster.Client.FailNode(tasks[0].Id);
        _cluster.Client.RunOutOfMemory(tasks[1].Id);
        var results = (await FakeSlurmCluster.WaitFor(executor, 2)).ToDictionary(r => r.Node);

        Assert.Equal("node failure", results["T[n0]"].InterruptedBy);
        Assert.NotNull(results["T[n0]"].Retry);
        Assert.Null(results["T[n1]"].InterruptedBy);
        Assert.Equal(200, results["T[n1]"].Retry?.MemoryMb); // its own first OOM, though its third attempt
    }

    [Fact]
    public async Task A_task_the_cluster_interrupted_more_than_the_bound_fails()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(1)[0] with { Attempt = 11, Interruptions = 10 });

        _cluster.Client.Preempt(_cluster.Client.Tasks.Single().Id);
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Null(result.Retry);
        Assert.Null(result.InterruptedBy);
        Assert.Contains("preempted: the cluster interrupted it 11 times, more than allowed (10); not retried", result.Message);
    }

    [Fact]
    public async Task A_requeued_task_is_followed_under_its_job_id_and_never_submitted_again()
    {
        using var executor = _cluster.Executor(pack: 1);
        Offer(executor, Nodes(1));
        var task = _cluster.Client.Tasks.Single();
        _cluster.Client.Start(task.Id);

        _cluster.Client.Requeue(task.Id);
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.WaitAsync(quiet.Token));
        _cluster.Client.Start(task.Id);
        _cluster.RunWorker(task.Id);
        _cluster.Client.Complete(task.Id);
        var result = Assert.Single(await FakeSlurmCluster.WaitFor(executor, 1));

        Assert.Equal(BuildStatus.Succeeded, result.Status);
        Assert.Equal(1, _cluster.Client.SubmitCalls);
        Assert.True(_cluster.Client.QueueCalls >= 2);
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

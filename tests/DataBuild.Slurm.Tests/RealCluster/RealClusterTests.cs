namespace DataBuild.Slurm.Tests;

[Collection(RealClusterCollection.Name)]
public class RealClusterTests(LocalCluster cluster)
{
    private const long MiB = SlurmMemory.MiB;

    /// <summary>Writes the script for a spec into the cluster scratch and submits it through a counting real client.</summary>
    private async Task<long> SubmitAsync(ISlurmClient client, TempDirectory dir, string name, int tasks, IReadOnlyList<string> command, long memory = 64 * MiB)
    {
        var spec = new SbatchSpec(name, 0, tasks - 1, command, Path.Combine(dir.Path, "%A_%a.out"),
            ErrorPath: Path.Combine(dir.Path, "%A_%a.err"), MemoryBytes: memory, TimeLimit: TimeSpan.FromMinutes(2), Partition: "debug");
        var script = dir.File(name + ".sh");
        await File.WriteAllTextAsync(script, SbatchScript.Render(spec));
        return await client.SubmitAsync(script);
    }

    // Holds 300 MB in a shell variable, then lingers: the cgroup kills at once, but OverMemoryKill samples RSS
    // once a second and misses an allocation that is over sooner.
    private const string AllocatePastTheLimitScript = "x=$(head -c 300M /dev/zero | tr '\\0' a); sleep 4";
    private static readonly string[] AllocatePastTheLimit = ["sh", "-c", AllocatePastTheLimitScript];

    [Fact]
    public async Task Submits_a_tiny_array_and_follows_it_with_one_squeue_per_poll()
    {
        using var dir = new TempDirectory(cluster.Scratch);
        var runner = new CountingCommandRunner(new ProcessCommandRunner());
        var client = new SlurmClient(runner);

        var job = await SubmitAsync(client, dir, "tiny", 3,
            ["sh", "-c", "echo \"task $SLURM_ARRAY_TASK_ID\" > \"$1/out.$SLURM_ARRAY_TASK_ID\"", "sh", dir.Path]);
        var (entries, polls) = await JobFollower.UntilFinishedAsync(client, [job], expectedTasks: 3);

        Assert.Equal(polls, runner.Count("squeue"));
        Assert.All(entries, e => Assert.Equal(SlurmStateClass.Completed, e.Class));
        Assert.Equal([0, 1, 2], entries.Select(e => e.Task.Index!.Value).Order());
        Assert.Equal("task 2\n", await File.ReadAllTextAsync(dir.File("out.2")));
    }

    [Fact]
    public async Task Reads_the_partitions_limits_and_the_QoS_list_from_the_cluster()
    {
        var client = new SlurmClient();

        var partitions = await client.PartitionsAsync();
        var qos = await client.QosAsync();

        var debug = Assert.Single(partitions, p => p.Name == "debug");
        Assert.True(debug.IsDefault);
        if ((await client.ConfigAsync()).AccountingConfigured) Assert.Contains(qos, q => q.Name == "normal");
        else Assert.Empty(qos);
    }

    [Fact]
    public async Task Reads_state_exit_code_and_memory_from_sacct_when_accounting_is_on()
    {
        using var dir = new TempDirectory(cluster.Scratch);
        var client = new SlurmClient();
        var config = await client.ConfigAsync();
        if (!await client.IsAccountingAvailableAsync())
        {
            // Only a cluster started with --no-accounting may lack it; a configured-but-broken slurmdbd is a failure.
            Assert.False(config.AccountingConfigured, "Accounting is configured but sacct does not answer: is slurmdbd up? tests/slurm/cluster.sh status");
            return;
        }

        var job = await SubmitAsync(client, dir, "acct", 2, ["sh", "-c", "exit $SLURM_ARRAY_TASK_ID"]);
        var (entries, _) = await JobFollower.UntilFinishedAsync(client, [job], expectedTasks: 2);
        var records = await JobFollower.AccountingAgreeingWithAsync(client, entries);

        var ok = records.Single(r => r.Task.Index == 0);
        var failed = records.Single(r => r.Task.Index == 1);
        Assert.Equal(SlurmStateClass.Completed, ok.Class);
        Assert.Equal(SlurmStateClass.Failed, failed.Class);
        Assert.Equal(new SlurmExitCode(1, 0), failed.ExitCode);
        Assert.Equal(64 * MiB, ok.RequestedMemoryBytes);
        Assert.NotNull(ok.Elapsed);
        Assert.NotEqual("", ok.NodeList);
    }

    [Fact]
    public async Task Detects_a_task_that_allocates_past_its_mem_as_out_of_memory()
    {
        using var dir = new TempDirectory(cluster.Scratch);
        var client = new SlurmClient();

        var job = await SubmitAsync(client, dir, "oom", 1, AllocatePastTheLimit, memory: 64 * MiB);
        var (entries, _) = await JobFollower.UntilFinishedAsync(client, [job], expectedTasks: 1);
        var entry = Assert.Single(entries);
        var stderr = await File.ReadAllTextAsync(dir.File($"{job}_0.err"));

        Assert.Equal(SlurmStateClass.OutOfMemory, FailureSignature.Classify(entry, stderr));
        if (await client.IsAccountingAvailableAsync())
            Assert.Equal(SlurmStateClass.OutOfMemory, Assert.Single(await JobFollower.AccountingAgreeingWithAsync(client, entries)).Class);
    }

    [Fact]
    public async Task Cancels_its_own_job_by_id_and_leaves_others_running()
    {
        using var dir = new TempDirectory(cluster.Scratch);
        var client = new SlurmClient();
        var mine = await SubmitAsync(client, dir, "mine", 1, ["sleep", "120"], memory: 16 * MiB);
        var other = await SubmitAsync(client, dir, "other", 1, ["sleep", "120"], memory: 16 * MiB);
        try
        {
            await client.CancelAsync([mine]);
            var (entries, _) = await JobFollower.UntilFinishedAsync(client, [mine], expectedTasks: 1);

            Assert.Equal(SlurmStateClass.Cancelled, Assert.Single(entries).Class);
            Assert.False(Assert.Single(await client.QueueAsync([other])).Class.IsFinal());
        }
        finally
        {
            await client.CancelAsync([other]);
        }
    }

    [Fact]
    public async Task Reads_the_cluster_limits()
    {
        var config = await new SlurmClient().ConfigAsync();

        Assert.Equal(100001, config.MaxArraySize);
        Assert.Equal(200000, config.MaxJobCount);
        Assert.StartsWith("22.", config.SlurmVersion);
    }

    [Fact]
    public async Task Finds_an_array_by_its_job_name_while_it_runs_and_after_it_ends_and_nothing_for_an_unknown_name()
    {
        using var dir = new TempDirectory(cluster.Scratch);
        var runner = new CountingCommandRunner(new ProcessCommandRunner());
        var client = new SlurmClient(runner);
        var name = "named-" + Guid.NewGuid().ToString("N")[..12];
        var since = DateTimeOffset.UtcNow;

        var job = await SubmitAsync(client, dir, name, 3, ["sleep", "1"]);
        var queued = await client.JobsNamedAsync([name, "never-submitted-" + name], since);
        await JobFollower.UntilFinishedAsync(client, [job], expectedTasks: 3);
        var ended = await client.JobsNamedAsync([name], since);

        Assert.Equal([new NamedJob(name, job)], queued);
        Assert.Equal([new NamedJob(name, job)], ended);
        Assert.Empty(await client.JobsNamedAsync(["never-submitted-" + name], since));
    }

    [Fact]
    public async Task Sees_a_purged_job_as_gone_not_as_an_error() =>
        Assert.Empty(await new SlurmClient().QueueAsync([999_999_999]));

    [Fact]
    public async Task Follows_and_classifies_jobs_with_accounting_absent()
    {
        using var dir = new TempDirectory(cluster.Scratch);
        cluster.Start(accounting: false);
        try
        {
            var client = new SlurmClient();
            Assert.False(await client.IsAccountingAvailableAsync());

            var job = await SubmitAsync(client, dir, "noacct", 2,
                ["sh", "-c", "if [ \"$SLURM_ARRAY_TASK_ID\" = 1 ]; then " + AllocatePastTheLimitScript + "; fi"]);
            var (entries, _) = await JobFollower.UntilFinishedAsync(client, [job], expectedTasks: 2);

            Assert.Equal(SlurmStateClass.Completed, entries.Single(e => e.Task.Index == 0).Class);
            var oom = entries.Single(e => e.Task.Index == 1);
            Assert.Equal(SlurmStateClass.OutOfMemory, FailureSignature.Classify(oom, await File.ReadAllTextAsync(dir.File($"{job}_1.err"))));
            await Assert.ThrowsAsync<SlurmCommandException>(() => client.AccountingAsync([job]));
        }
        finally
        {
            cluster.Start(accounting: true);
        }
    }
}

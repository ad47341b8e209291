namespace DataBuild.Slurm.Tests;

public class FakeSlurmClientTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeSlurmClient _slurm = new();

    public void Dispose() => _dir.Dispose();

    private string Script(int tasks, int? throttle = null, long? mem = null)
    {
        var path = _dir.File($"a{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, SbatchScript.Render(new SbatchSpec("j", 0, tasks - 1, ["worker"], "log_%A_%a",
            Throttle: throttle, MemoryBytes: mem, TimeLimit: TimeSpan.FromMinutes(10))));
        return path;
    }

    [Fact]
    public async Task Runs_a_submitted_array_to_completion()
    {
        var job = await _slurm.SubmitAsync(Script(3));

        _slurm.RunToEnd();
        var entries = await _slurm.QueueAsync([job]);

        Assert.Equal(3, entries.Count);
        Assert.All(entries, e => Assert.Equal(SlurmStateClass.Completed, e.Class));
        Assert.Equal(1, _slurm.QueueCalls);
    }

    [Fact]
    public async Task Reads_resources_from_the_sbatch_lines()
    {
        await _slurm.SubmitAsync(Script(1, mem: 2L * 1024 * 1024 * 1024));

        var task = Assert.Single(_slurm.Tasks);
        Assert.Equal(2L * 1024 * 1024 * 1024, task.MemoryBytes);
        Assert.Equal(TimeSpan.FromMinutes(10), task.TimeLimit);
    }

    [Fact]
    public async Task Holds_tasks_back_by_the_throttle()
    {
        var job = await _slurm.SubmitAsync(Script(5, throttle: 2));

        _slurm.Advance();
        var entries = await _slurm.QueueAsync([job]);

        Assert.Equal(2, entries.Count(e => e.Class == SlurmStateClass.Running));
        Assert.Equal(3, entries.Count(e => e.Reason == "JobArrayTaskLimit"));
    }

    [Fact]
    public async Task Shows_an_injected_oom_as_cgroups_do()
    {
        var job = await _slurm.SubmitAsync(Script(2));
        _slurm.RunOutOfMemory(new SlurmTaskId(job, 1));

        var records = await _slurm.AccountingAsync([job]);

        Assert.Equal(SlurmStateClass.OutOfMemory, records.Single(r => r.Task.Index == 1).Class);
        Assert.Equal(SlurmStateClass.Pending, records.Single(r => r.Task.Index == 0).Class);
    }

    [Fact]
    public async Task Shows_an_injected_oom_as_over_memory_kill_does()
    {
        _slurm.MemoryEnforcement = FakeMemoryEnforcement.Poll;
        var job = await _slurm.SubmitAsync(Script(1, mem: 100 * SlurmMemory.MiB));
        _slurm.RunOutOfMemory(new SlurmTaskId(job, 0));

        var record = Assert.Single(await _slurm.AccountingAsync([job]));
        var entry = Assert.Single(await _slurm.QueueAsync([job]));

        Assert.Equal(SlurmJobState.Failed, record.State);
        Assert.Equal(SlurmStateClass.OutOfMemory, record.Class);
        Assert.Equal(SlurmStateClass.OutOfMemory, FailureSignature.Classify(entry));
    }

    [Fact]
    public async Task Decides_outcomes_through_a_callback()
    {
        _slurm.Outcomes = t => t.Id.Index == 2 ? FakeOutcome.Timeout : FakeOutcome.Completed;
        var job = await _slurm.SubmitAsync(Script(3));

        _slurm.RunToEnd();

        Assert.Equal(SlurmStateClass.Timeout, (await _slurm.QueueAsync([job])).Single(e => e.Task.Index == 2).Class);
    }

    [Fact]
    public async Task Refuses_sacct_when_accounting_is_off()
    {
        _slurm.AccountingEnabled = false;
        var job = await _slurm.SubmitAsync(Script(1));

        Assert.False(await _slurm.IsAccountingAvailableAsync());
        await Assert.ThrowsAsync<SlurmCommandException>(() => _slurm.AccountingAsync([job]));
    }

    [Fact]
    public async Task Cancels_only_the_jobs_named()
    {
        var mine = await _slurm.SubmitAsync(Script(2));
        var other = await _slurm.SubmitAsync(Script(2));

        await _slurm.CancelAsync([mine]);

        Assert.All(await _slurm.QueueAsync([mine]), e => Assert.Equal(SlurmStateClass.Cancelled, e.Class));
        Assert.All(await _slurm.QueueAsync([other]), e => Assert.Equal(SlurmStateClass.Pending, e.Class));
        Assert.Equal([mine], _slurm.CancelRequests);
    }

    [Fact]
    public async Task Forgets_purged_jobs_in_squeue_but_not_in_sacct()
    {
        var job = await _slurm.SubmitAsync(Script(1));
        _slurm.RunToEnd();
        _slurm.Purge(job);

        Assert.Empty(await _slurm.QueueAsync([job]));
        Assert.Single(await _slurm.AccountingAsync([job]));
    }

    [Fact]
    public async Task Rejects_an_index_at_max_array_size_like_sbatch()
    {
        _slurm.Config = ScontrolConfigParser.Parse("MaxArraySize = 3\nMaxJobCount = 100\n");

        var e = await Assert.ThrowsAsync<SlurmCommandException>(() => _slurm.SubmitAsync(Script(4)));

        Assert.Contains("Invalid job array specification", e.Message);
    }
}

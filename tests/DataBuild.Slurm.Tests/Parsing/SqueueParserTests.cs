namespace DataBuild.Slurm.Tests;

public class SqueueParserTests
{
    private static QueueEntry Entry(string id) =>
        SqueueParser.Parse(Recorded.Squeue).Single(e => e.Task == SlurmTaskId.Parse(id));

    [Fact]
    public void Reads_one_entry_per_line_and_skips_blank_lines() =>
        Assert.Equal(10, SqueueParser.Parse(Recorded.Squeue).Count);

    [Fact]
    public void Reads_a_completed_task_with_its_own_job_id()
    {
        var e = Entry("1_0");

        Assert.Equal(3, e.JobId);
        Assert.Equal(SlurmStateClass.Completed, e.Class);
        Assert.Equal(SlurmExitCode.Success, e.ExitCode);
        Assert.Equal("vm", e.NodeList);
    }

    [Fact]
    public void Reads_a_non_zero_exit_from_the_wait_status()
    {
        var e = Entry("1_1");

        Assert.Equal(SlurmStateClass.Failed, e.Class);
        Assert.Equal(new SlurmExitCode(3, 0), e.ExitCode);
        Assert.Equal("NonZeroExitCode", e.Reason);
    }

    [Fact]
    public void Reads_out_of_memory_under_cgroups() => Assert.Equal(SlurmStateClass.OutOfMemory, Entry("10_2").Class);

    [Fact]
    public void Reads_timeout_and_its_time_used()
    {
        var e = Entry("1_3");

        Assert.Equal(SlurmStateClass.Timeout, e.Class);
        Assert.Equal(TimeSpan.FromSeconds(81), e.TimeUsed);
    }

    [Fact]
    public void Leaves_the_exit_code_unknown_while_a_task_runs() => Assert.Null(Entry("10_3").ExitCode);

    [Fact]
    public void Reads_a_plain_job_without_an_array_index() => Assert.Equal(SlurmStateClass.Completed, Entry("17").Class);

    [Fact]
    public void Reads_a_pending_task_held_by_the_throttle()
    {
        var e = Entry("2_5");

        Assert.Equal(SlurmStateClass.Pending, e.Class);
        Assert.Equal("JobArrayTaskLimit", e.Reason);
        Assert.Equal("", e.NodeList);
    }

    [Fact]
    public void Expands_a_compressed_pending_array_record()
    {
        var entries = SqueueParser.Parse(Recorded.SqueueCompressed);

        Assert.Equal(7, entries.Count);
        Assert.All(entries, e => Assert.Equal(SlurmJobState.Pending, e.State));
        Assert.Equal(new SlurmTaskId(2, 10), entries[^1].Task);
    }

    [Fact]
    public void Names_a_line_it_cannot_read()
    {
        var e = Assert.Throws<FormatException>(() => SqueueParser.Parse("1_0|3|COMPLETED\n"));
        Assert.Contains("squeue line '1_0|3|COMPLETED': 3 fields, expected 7", e.Message);
    }

    [Fact]
    public void Recognises_the_sigkill_of_a_memory_kill_without_accounting()
    {
        var killed = Entry("1_4"); // FAILED, wait status 9

        Assert.Equal(SlurmStateClass.OutOfMemory, FailureSignature.Classify(killed));
        Assert.Equal(SlurmStateClass.OutOfMemory,
            FailureSignature.Classify(killed, "slurmstepd-vm: error: StepId=5.batch exceeded memory limit (380141568 > 209715200), being killed"));
        Assert.Equal(SlurmStateClass.Failed, FailureSignature.Classify(killed, "Segmentation fault"));
    }
}

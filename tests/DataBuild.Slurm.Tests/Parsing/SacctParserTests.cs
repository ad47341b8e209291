namespace DataBuild.Slurm.Tests;

public class SacctParserTests
{
    private static AccountingRecord Record(string output, string id) =>
        SacctParser.Parse(output).Single(r => r.Task == SlurmTaskId.Parse(id));

    [Fact]
    public void Merges_step_lines_into_one_record_per_task() =>
        Assert.Equal(5, SacctParser.Parse(Recorded.SacctCgroup).Count);

    [Fact]
    public void Takes_max_rss_from_the_batch_step_and_the_request_from_the_job_line()
    {
        var r = Record(Recorded.SacctCgroup, "10_1");

        Assert.Equal(3104 * 1024L, r.MaxRssBytes);
        Assert.Equal(200 * SlurmMemory.MiB, r.RequestedMemoryBytes);
        Assert.Equal(TimeSpan.FromMinutes(1), r.TimeLimit);
        Assert.Equal(new SlurmExitCode(3, 0), r.ExitCode);
        Assert.Equal(SlurmStateClass.Failed, r.Class);
    }

    [Fact]
    public void Reads_out_of_memory_under_cgroups() =>
        Assert.Equal(SlurmStateClass.OutOfMemory, Record(Recorded.SacctCgroup, "10_2").Class);

    [Fact]
    public void Reads_a_timeout_whose_batch_step_was_cancelled()
    {
        var r = Record(Recorded.SacctCgroup, "10_3");

        Assert.Equal(SlurmStateClass.Timeout, r.Class);
        Assert.Equal(SlurmJobState.Cancelled, r.BatchState);
        Assert.Equal(TimeSpan.FromSeconds(86), r.Elapsed);
    }

    [Fact]
    public void Tells_a_kill_minus_nine_from_a_memory_kill_under_cgroups() =>
        Assert.Equal(SlurmStateClass.Failed, Record(Recorded.SacctCgroup, "10_4").Class);

    [Fact]
    public void Sees_through_over_memory_kill_reporting_failed_zero_colon_nine()
    {
        var oom = Record(Recorded.SacctOverMemoryKill, "1_2");
        var killed = Record(Recorded.SacctOverMemoryKill, "1_4");

        Assert.Equal(SlurmJobState.Failed, oom.State);
        Assert.Equal(0, oom.BatchCancelledByUid);
        Assert.Equal(371232 * 1024L, oom.MaxRssBytes);
        Assert.Equal(SlurmStateClass.OutOfMemory, oom.Class);
        Assert.Equal(SlurmStateClass.Failed, killed.Class);
    }

    [Fact]
    public void Expands_a_cancelled_pending_range_with_a_throttle()
    {
        var records = SacctParser.Parse(Recorded.SacctCancelled);

        Assert.Equal(8, records.Count); // 2_2 and 2_3 .. 2_9
        Assert.All(records, r => Assert.Equal(SlurmStateClass.Cancelled, r.Class));
        Assert.Equal("", records[^1].NodeList);
        Assert.Equal(0, records[^1].CancelledByUid);
    }

    [Fact]
    public void Takes_the_largest_max_rss_over_all_steps() =>
        Assert.Equal(3212 * 1024L, Record(Recorded.SacctCancelled, "2_2").MaxRssBytes);

    [Fact]
    public void Keeps_the_last_line_of_a_requeued_task()
    {
        const string output = """
            5|5|NODE_FAIL|0:0|00:00:03||1G|UNLIMITED|vm
            5|5|COMPLETED|0:0|00:00:09||1G|UNLIMITED|vm
            """;

        Assert.Equal(SlurmStateClass.Completed, SacctParser.Parse(output).Single().Class);
    }

    [Fact]
    public void Reads_elapsed_with_days_and_max_rss_in_gigabytes()
    {
        const string output = """
            7_0|8|COMPLETED|0:0|2-03:04:05||16G|3-00:00:00|node[01-02]
            7_0.batch|8.batch|COMPLETED|0:0|2-03:04:05|1.5G|||node01
            7_0.0|8.0|COMPLETED|0:0|2-03:04:03|2000M|||node[01-02]
            """;

        var r = SacctParser.Parse(output).Single();

        Assert.Equal(new TimeSpan(2, 3, 4, 5), r.Elapsed);
        Assert.Equal(2000 * SlurmMemory.MiB, r.MaxRssBytes);
        Assert.Equal(TimeSpan.FromDays(3), r.TimeLimit);
        Assert.Equal("node[01-02]", r.NodeList);
    }

    [Fact]
    public void Reads_an_unset_request_memory_of_16_question_mark_as_unknown() =>
        Assert.Null(SacctParser.Parse("30_0|31|PENDING|0:0|00:00:00||16?|00:02:00|None assigned").Single().RequestedMemoryBytes);

    [Fact]
    public void Names_the_line_it_cannot_read()
    {
        var e = Assert.Throws<FormatException>(() => SacctParser.Parse("30_0|31|FAILED|x:y|00:00:00||1G|00:02:00|vm"));
        Assert.StartsWith("sacct line '30_0|31|FAILED|x:y|00:00:00||1G|00:02:00|vm': 'x:y' is not a sacct exit code", e.Message);
    }
}

namespace DataBuild.Slurm.Tests;

public class SlurmTaskIdTests
{
    [Fact]
    public void Parses_an_array_task() => Assert.Equal(new SlurmTaskId(123, 4), SlurmTaskId.Parse("123_4"));

    [Fact]
    public void Parses_a_plain_job() => Assert.Equal(new SlurmTaskId(17, null), SlurmTaskId.Parse("17"));

    [Fact]
    public void Drops_the_step_of_a_batch_line()
    {
        Assert.Equal(new SlurmTaskId(123, 4), SlurmTaskId.Parse("123_4.batch"));
        Assert.Equal("batch", SlurmTaskId.StepOf("123_4.batch"));
        Assert.Equal("extern", SlurmTaskId.StepOf("9.extern"));
        Assert.Null(SlurmTaskId.StepOf("123_4"));
    }

    [Fact]
    public void Expands_a_compressed_pending_record_with_a_throttle()
    {
        var tasks = SlurmTaskId.ParseMany("123_[4-10%2]");

        Assert.Equal(Enumerable.Range(4, 7).Select(i => new SlurmTaskId(123, i)), tasks);
    }

    [Fact]
    public void Expands_a_list_of_ranges() =>
        Assert.Equal([1, 3, 5, 6, 7], SlurmTaskId.ParseMany("9_[1,3,5-7]").Select(t => t.Index!.Value));

    [Fact]
    public void Prints_like_slurm() => Assert.Equal("123_4", new SlurmTaskId(123, 4).ToString());

    [Fact]
    public void Refuses_text_that_is_not_a_job_id()
    {
        var e = Assert.Throws<FormatException>(() => SlurmTaskId.Parse("abc_1"));
        Assert.Contains("'abc_1' is not a Slurm job id", e.Message);
    }
}

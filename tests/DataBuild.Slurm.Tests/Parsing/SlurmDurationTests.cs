namespace DataBuild.Slurm.Tests;

public class SlurmDurationTests
{
    [Theory]
    [InlineData("1-02:03:04", 93784.0)]
    [InlineData("00:01:10", 70.0)]
    [InlineData("1:21", 81.0)]
    [InlineData("00:00.002", 0.002)]
    [InlineData("12:34.567", 754.567)]
    [InlineData("5", 300.0)]
    [InlineData("2-12", 216000.0)]
    public void Reads_slurm_time_formats(string text, double seconds) =>
        Assert.Equal(seconds, SlurmDuration.Parse(text)!.Value.TotalSeconds, 3);

    [Theory]
    [InlineData("UNLIMITED")]
    [InlineData("Partition_Limit")]
    [InlineData("INVALID")]
    [InlineData("")]
    public void Has_no_duration_for_unlimited_or_empty(string text) => Assert.Null(SlurmDuration.Parse(text));

    [Fact]
    public void Formats_a_time_limit_rounding_up_to_whole_seconds() =>
        Assert.Equal("1-02:03:05", SlurmDuration.Format(new TimeSpan(1, 2, 3, 4, 500)));
}

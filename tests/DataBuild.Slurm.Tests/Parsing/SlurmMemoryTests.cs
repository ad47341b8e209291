namespace DataBuild.Slurm.Tests;

public class SlurmMemoryTests
{
    [Theory]
    [InlineData("371232K", 371232L * 1024)]
    [InlineData("200M", 200L * 1024 * 1024)]
    [InlineData("1.5G", 1536L * 1024 * 1024)]
    [InlineData("4000Mn", 4000L * 1024 * 1024)]
    [InlineData("2000Mc", 2000L * 1024 * 1024)]
    [InlineData("0", 0L)]
    public void Reads_memory_units(string text, long bytes) => Assert.Equal(bytes, SlurmMemory.ParseBytes(text));

    [Fact]
    public void Reads_a_bare_request_as_megabytes() => Assert.Equal(100 * SlurmMemory.MiB, SlurmMemory.ParseBytes("100", 'M'));

    [Fact]
    public void Reads_an_unset_request_printed_as_16_question_mark_as_unknown() => Assert.Null(SlurmMemory.ParseBytes("16?"));

    [Fact]
    public void Empty_max_rss_is_unknown() => Assert.Null(SlurmMemory.ParseBytes(""));

    [Theory]
    [InlineData(2L * 1024 * 1024 * 1024, "2G")]
    [InlineData(1536L * 1024 * 1024, "1536M")]
    [InlineData(1L, "1M")]
    public void Formats_a_mem_request_rounding_up(long bytes, string expected) => Assert.Equal(expected, SlurmMemory.Format(bytes));
}

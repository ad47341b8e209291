namespace DataBuild.Slurm.Tests;

public class SlurmExitCodeTests
{
    [Fact]
    public void Reads_sacct_exit_code_zero_colon_nine_as_killed_by_sigkill() =>
        Assert.Equal(new SlurmExitCode(0, 9), SlurmExitCode.ParseSacct("0:9"));

    [Theory]
    [InlineData("768", 3, 0)]
    [InlineData("9", 0, 9)]
    [InlineData("253", 0, 125)]
    [InlineData("15", 0, 15)]
    [InlineData("0", 0, 0)]
    public void Decodes_squeue_raw_wait_status(string text, int code, int signal) =>
        Assert.Equal(new SlurmExitCode(code, signal), SlurmExitCode.ParseWaitStatus(text));

    [Fact]
    public void Empty_exit_code_is_not_known_yet() => Assert.Null(SlurmExitCode.ParseSacct(""));
}

namespace DataBuild.Slurm.Tests;

public class ProcessCommandRunnerTests
{
    [Fact]
    public async Task Says_how_to_get_slurm_when_a_command_is_missing()
    {
        var e = await Assert.ThrowsAsync<SlurmCommandNotFoundException>(
            () => new ProcessCommandRunner().RunAsync("sbatch-that-does-not-exist", []));

        Assert.Equal("sbatch-that-does-not-exist not found: is Slurm installed? For a local test cluster run tests/slurm/cluster.sh start.", e.Message);
    }

    [Fact]
    public async Task Passes_arguments_without_a_shell()
    {
        var result = await new ProcessCommandRunner().RunAsync("printf", ["%s|", "a b", "$HOME", "; rm -rf /"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("a b|$HOME|; rm -rf /|", result.StandardOutput);
    }

    [Fact]
    public async Task Returns_a_failure_with_its_stderr_instead_of_throwing()
    {
        var result = await new ProcessCommandRunner().RunAsync("sh", ["-c", "echo nope >&2; exit 3"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("nope\n", result.StandardError);
    }

    [Fact]
    public async Task Stops_a_command_that_hangs()
    {
        var e = await Assert.ThrowsAsync<TimeoutException>(
            () => new ProcessCommandRunner(TimeSpan.FromMilliseconds(300)).RunAsync("sleep", ["30"]));

        Assert.Contains("`sleep 30` did not finish", e.Message);
    }
}

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

    [Fact]
    public async Task Arguments_with_quotes_backslashes_and_empty_strings_reach_the_program_verbatim()
    {
        var result = await new ProcessCommandRunner().RunAsync("printf", ["%s|", "", "\"quoted\"", "it's", "back\\slash\\", "a\\\"b", "two\nlines", "*", "`id`"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("|\"quoted\"|it's|back\\slash\\|a\\\"b|two\nlines|*|`id`|", result.StandardOutput);
    }

    [Fact]
    public async Task A_command_that_reads_stdin_sees_it_closed_instead_of_waiting()
    {
        var result = await new ProcessCommandRunner(TimeSpan.FromSeconds(10)).RunAsync("cat", []);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task A_command_past_its_timeout_is_killed_and_reported()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<TimeoutException>(
            () => new ProcessCommandRunner(TimeSpan.FromSeconds(1)).RunAsync("sleep", ["30"]));

        Assert.Equal("`sleep 30` did not finish within 1 s: is slurmctld responding? Try `scontrol ping`.", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"returned after {clock.Elapsed}, not when the process was killed");
    }

    [Fact]
    public async Task Cancelling_the_callers_token_kills_the_command_and_is_not_reported_as_a_timeout()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new ProcessCommandRunner(TimeSpan.FromSeconds(60)).RunAsync("sleep", ["30"], cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"returned after {clock.Elapsed}, not when the process was killed");
    }
}

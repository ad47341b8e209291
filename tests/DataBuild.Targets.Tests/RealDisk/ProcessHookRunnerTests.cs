using DataBuild.IO;

namespace DataBuild.Targets.Tests.RealDisk;

/// <summary>The real hook runner: argv with stdin, a time limit, and an error for a program that is not there.</summary>
public sealed class ProcessHookRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_command_reads_the_text_on_its_stdin_and_its_arguments_are_not_interpreted_by_a_shell()
    {
        var outcome = ProcessHookRunner.Instance.Run(["sh", "-c", "cat > \"$1\"; echo done", "sh", "got $HOME;"], _dir.Path, "{\"result\": \"ok\"}\n", TimeSpan.FromSeconds(30));

        Assert.Equal(new HookOutcome(0, "done\n", false), outcome);
        Assert.Equal("{\"result\": \"ok\"}\n", File.ReadAllText(_dir.File("got $HOME;")));
    }

    [Fact]
    public void A_command_that_ignores_its_stdin_and_fails_is_reported_with_its_exit_code_and_output()
    {
        var outcome = ProcessHookRunner.Instance.Run(["sh", "-c", "echo refused >&2; exit 4"], _dir.Path, new string('x', 1 << 20), TimeSpan.FromSeconds(30));

        Assert.Equal(new HookOutcome(4, "refused\n", false), outcome);
    }

    [Fact]
    public void A_command_that_hangs_is_stopped_at_its_time_limit()
    {
        var outcome = ProcessHookRunner.Instance.Run(["sleep", "60"], _dir.Path, "", TimeSpan.FromMilliseconds(300));

        Assert.True(outcome.TimedOut);
    }

    [Fact]
    public void A_program_that_does_not_exist_cannot_be_started()
    {
        Assert.Throws<ProcessStartException>(() => ProcessHookRunner.Instance.Run(["./no-such-notify.sh"], _dir.Path, "", TimeSpan.FromSeconds(5)));
    }
}

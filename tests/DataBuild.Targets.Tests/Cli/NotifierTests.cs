using DataBuild.Cli;

namespace DataBuild.Targets.Tests.Cli;

/// <summary>--notify: the command is argv split at spaces, gets the summary on stdin, and never fails the build.</summary>
public sealed class NotifierTests
{
    private readonly FakeHookRunner _hooks = new();
    private readonly StringWriter _error = new();

    private Notifier Notifier(params string[] args) =>
        DataBuild.Cli.Notifier.From(CommandLine.Parse(args, new HashSet<string>()), _hooks, "/work", () => _error)!;

    [Fact]
    public void The_command_is_split_into_argv_at_spaces_and_gets_the_summary_on_stdin_verbatim()
    {
        var notifier = Notifier("Raw", "--notify", "examples/notify/mail.sh  me@example.org", "-j", "2");

        var sent = notifier.Send("{\"result\": \"failed; rm -rf $HOME\"}\n");

        Assert.True(sent);
        var (argv, input) = Assert.Single(_hooks.Calls);
        Assert.Equal(["examples/notify/mail.sh", "me@example.org"], argv);
        Assert.Equal("{\"result\": \"failed; rm -rf $HOME\"}\n", input);
        Assert.Equal("", _error.ToString());
    }

    [Fact]
    public void No_notify_option_means_no_notifier()
    {
        Assert.Null(DataBuild.Cli.Notifier.From(CommandLine.Parse(["Raw"], new HashSet<string>()), _hooks, "/work", () => _error));
    }

    [Fact]
    public void The_profile_notify_command_is_used_when_the_command_line_gives_none_and_never_over_it()
    {
        var asked = 0;
        string? Profile() { asked++; return "examples/notify/webhook.sh"; }

        var fromProfile = DataBuild.Cli.Notifier.From(CommandLine.Parse(["Raw"], new HashSet<string>()), _hooks, "/work", () => _error, Profile);
        var fromLine = DataBuild.Cli.Notifier.From(CommandLine.Parse(["Raw", "--notify", "mail.sh a@b"], new HashSet<string>()), _hooks, "/work", () => _error, Profile);

        Assert.Equal(["examples/notify/webhook.sh"], fromProfile!.Argv);
        Assert.Equal(["mail.sh", "a@b"], fromLine!.Argv);
        Assert.Equal(1, asked);
    }

    [Fact]
    public void A_failing_notify_command_is_a_warning_with_its_exit_code_and_output()
    {
        _hooks.ExitCode = 3;

        var sent = Notifier("--notify", "mail.sh").Send("{}");

        Assert.False(sent);
        Assert.Equal("warning: the notify command mail.sh failed with exit code 3:\nsmtp: connection refused\n", _error.ToString());
    }

    [Fact]
    public void A_notify_command_that_cannot_start_is_a_warning_that_names_the_option()
    {
        _hooks.CannotStart = true;

        var sent = Notifier("--notify", "nomail.sh x").Send("{}");

        Assert.False(sent);
        Assert.Equal("warning: the notify command could not be started: nomail.sh: no such file or directory. Check --notify nomail.sh x (a path to an executable, and its arguments).\n", _error.ToString());
    }

    [Fact]
    public void A_notify_command_of_only_spaces_is_a_usage_error()
    {
        var error = Assert.Throws<DataBuild.Model.UsageException>(() => Notifier("--notify", "  "));

        Assert.Contains("--notify needs a command", error.Message);
    }
}

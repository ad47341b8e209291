using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.Cli;

/// <summary>
/// <c>--notify CMD</c>: runs CMD (split at spaces into argv, no shell) when a build ends, with the run's JSON summary
/// on stdin. A notify command that fails or hangs is reported on stderr and never changes the build's exit code.
/// </summary>
internal sealed class Notifier(IHookRunner runner, IReadOnlyList<string> argv, string workingDirectory, Func<TextWriter> error)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The notifier of <c>--notify</c>, else of the cluster profile's <c>notify:</c> (<paramref name="fromProfile"/>,
    /// asked only when the option is absent); null when neither names a command.
    /// </summary>
    public static Notifier? From(CommandLine line, IHookRunner runner, string workingDirectory, Func<TextWriter> error, Func<string?>? fromProfile = null)
    {
        if ((line.Value("notify") ?? fromProfile?.Invoke()) is not { } command) return null;
        var argv = command.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (argv.Length == 0) throw new UsageException("--notify needs a command, e.g. --notify examples/notify/mail.sh.");
        return new Notifier(runner, argv, workingDirectory, error);
    }

    public IReadOnlyList<string> Argv => argv;

    /// <summary>Runs the command with <paramref name="summary"/> on its stdin; returns whether it succeeded.</summary>
    public bool Send(string summary)
    {
        HookOutcome outcome;
        try
        {
            outcome = runner.Run(argv, workingDirectory, summary, Timeout);
        }
        catch (ProcessStartException e)
        {
            error().WriteLine($"warning: the notify command could not be started: {e.Message} Check --notify {string.Join(' ', argv)} (a path to an executable, and its arguments).");
            return false;
        }
        if (outcome.TimedOut)
            error().WriteLine($"warning: the notify command {string.Join(' ', argv)} did not finish within {Timeout.TotalSeconds:F0} s and was stopped.");
        else if (outcome.ExitCode != 0)
            error().WriteLine($"warning: the notify command {string.Join(' ', argv)} failed with exit code {outcome.ExitCode}:\n{outcome.Output.TrimEnd()}");
        return outcome.ExitCode == 0 && !outcome.TimedOut;
    }
}

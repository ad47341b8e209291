using System.ComponentModel;
using CliWrap;
using CliWrap.Buffered;

namespace DataBuild.Slurm;

/// <summary>Runs commands as real processes with an argv array: no shell, so nothing is ever re-parsed or expanded.</summary>
public sealed class ProcessCommandRunner(TimeSpan? timeout = null) : ICommandRunner
{
    // A wedged slurmctld makes every client call hang for MessageTimeout; past this a poll should give up and retry.
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromMinutes(2);

    public async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        // Escaped one by one and split back into the same argv by the runtime; stdin is closed at once (nothing piped in).
        var command = Cli.Wrap(program).WithArguments(arguments, escape: true).WithValidation(CommandResultValidation.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            // Cancelling the token kills the process tree; both pipes are read while it runs.
            var result = await command.ExecuteBufferedAsync(timeout.Token).ConfigureAwait(false);
            return new CommandResult(program, arguments, result.ExitCode, result.StandardOutput, result.StandardError);
        }
        // CliWrap wraps the runtime's start failure in a Win32Exception of its own; ENOENT (2) is the program not on PATH.
        catch (Win32Exception e) when (e.InnerException is Win32Exception { NativeErrorCode: 2 } notFound)
        {
            throw new SlurmCommandNotFoundException(program, notFound);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"`{ShellQuoting.Join([program, .. arguments])}` did not finish within {_timeout.TotalSeconds:0} s: is slurmctld responding? Try `scontrol ping`.");
        }
    }
}

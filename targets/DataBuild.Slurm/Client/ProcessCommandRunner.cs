using System.ComponentModel;
using System.Diagnostics;

namespace DataBuild.Slurm;

/// <summary>Runs commands as real processes with an argv array: no shell, so nothing is ever re-parsed or expanded.</summary>
public sealed class ProcessCommandRunner(TimeSpan? timeout = null) : ICommandRunner
{
    // A wedged slurmctld makes every client call hang for MessageTimeout; past this a poll should give up and retry.
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromMinutes(2);

    public async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (Win32Exception e) when (e.NativeErrorCode == 2) // ENOENT: not on PATH
        {
            throw new SlurmCommandNotFoundException(program, e);
        }
        process.StandardInput.Close();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        // Read both pipes while waiting, or a chatty command blocks on a full pipe and never exits.
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            return new CommandResult(program, arguments, process.ExitCode,
                await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
                throw;
            throw new TimeoutException(
                $"`{ShellQuoting.Join([program, .. arguments])}` did not finish within {_timeout.TotalSeconds:0} s: is slurmctld responding? Try `scontrol ping`.");
        }
    }
}

namespace DataBuild.Slurm;

/// <summary>Runs one program with an argv array. The seam that lets tests feed recorded Slurm output.</summary>
public interface ICommandRunner
{
    /// <summary>
    /// Runs <paramref name="program"/> to completion. Throws <see cref="SlurmCommandNotFoundException"/> when the
    /// program is not installed; a non-zero exit is returned, not thrown, so callers can read Slurm's message.
    /// </summary>
    Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default);
}

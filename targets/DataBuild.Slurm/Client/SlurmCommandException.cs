namespace DataBuild.Slurm;

/// <summary>A Slurm command ran and failed; the message shows the command line, exit code, Slurm's words and a hint.</summary>
public sealed class SlurmCommandException(CommandResult result, string hint)
    : Exception(Describe(result, hint))
{
    public CommandResult Result { get; } = result;

    private static string Describe(CommandResult r, string hint)
    {
        var said = (r.StandardError.Trim().Length > 0 ? r.StandardError : r.StandardOutput).Trim();
        return $"`{r.CommandLine}` exited with code {r.ExitCode}: {(said.Length > 0 ? said : "(no output)")}. {hint}";
    }
}

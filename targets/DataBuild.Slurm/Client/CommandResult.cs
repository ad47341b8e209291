namespace DataBuild.Slurm;

/// <summary>What a command printed and how it exited.</summary>
public sealed record CommandResult(string Program, IReadOnlyList<string> Arguments, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The command as a person would retype it, for error messages.</summary>
    public string CommandLine => ShellQuoting.Join([Program, .. Arguments]);
}

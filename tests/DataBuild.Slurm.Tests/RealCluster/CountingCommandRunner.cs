namespace DataBuild.Slurm.Tests;

/// <summary>Runs real commands and counts them per program, to prove "one squeue per poll".</summary>
internal sealed class CountingCommandRunner(ICommandRunner inner) : ICommandRunner
{
    private readonly Dictionary<string, int> _counts = [];

    public int Count(string program) { lock (_counts) return _counts.GetValueOrDefault(program); }

    public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        lock (_counts)
            _counts[program] = _counts.GetValueOrDefault(program) + 1;
        return inner.RunAsync(program, arguments, cancellationToken);
    }
}

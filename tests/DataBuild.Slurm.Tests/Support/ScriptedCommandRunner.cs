namespace DataBuild.Slurm.Tests;

/// <summary>Answers commands from a script of canned results and records every call.</summary>
internal sealed class ScriptedCommandRunner : ICommandRunner
{
    private readonly Dictionary<string, Queue<CommandResult>> _answers = [];
    public List<(string Program, IReadOnlyList<string> Arguments)> Calls { get; } = [];

    public ScriptedCommandRunner Answer(string program, string stdout, int exitCode = 0, string stderr = "")
    {
        if (!_answers.TryGetValue(program, out var queue))
            _answers[program] = queue = new Queue<CommandResult>();
        queue.Enqueue(new CommandResult(program, [], exitCode, stdout, stderr));
        return this;
    }

    public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken = default)
    {
        Calls.Add((program, arguments));
        if (!_answers.TryGetValue(program, out var queue) || queue.Count == 0)
            throw new InvalidOperationException($"The test did not script an answer for `{program} {string.Join(' ', arguments)}`.");
        return Task.FromResult(queue.Dequeue() with { Arguments = arguments });
    }
}

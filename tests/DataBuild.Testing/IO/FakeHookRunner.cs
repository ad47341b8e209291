using DataBuild.IO;

namespace DataBuild.Testing;

/// <summary>Records each hook command and the stdin it was given; answers with <see cref="ExitCode"/> (or throws, when told).</summary>
public sealed class FakeHookRunner : IHookRunner
{
    private readonly List<(IReadOnlyList<string> Argv, string Input)> _calls = [];

    public IReadOnlyList<(IReadOnlyList<string> Argv, string Input)> Calls => _calls;

    public int ExitCode { get; set; }

    public bool TimesOut { get; set; }

    public bool CannotStart { get; set; }

    public HookOutcome Run(IReadOnlyList<string> argv, string workingDirectory, string standardInput, TimeSpan timeout)
    {
        if (CannotStart) throw new ProcessStartException($"{argv[0]}: no such file or directory.");
        _calls.Add((argv.ToList(), standardInput));
        return new HookOutcome(TimesOut ? -1 : ExitCode, ExitCode == 0 ? "" : "smtp: connection refused\n", TimesOut);
    }
}

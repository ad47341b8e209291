namespace DataBuild.IO;

/// <summary>A command to run: argv (never a shell string), working directory, and the log that gets its stdout and stderr.</summary>
/// <param name="SampleGpu">Asks the sampler for the process's GPU use too.</param>
/// <param name="Signals">Signals passed on to the process group while it runs (a time-limit warning), or none.</param>
/// <param name="CheckpointGrace">When set, cancelling sends SIGUSR1 first and waits this long before SIGTERM, so the task can save a checkpoint.</param>
public sealed record ProcessSpec(IReadOnlyList<string> Argv, string WorkingDirectory, string LogPath,
    IReadOnlyDictionary<string, string>? Environment = null, bool SampleGpu = false, SignalRelay? Signals = null, TimeSpan? CheckpointGrace = null);

/// <summary>How a process ended and what it cost, from wait4(2)'s rusage. PeakRssKb is 0 when too short-lived to measure.</summary>
public sealed record ProcessOutcome(int ExitCode, int Signal, double WallSeconds, double CpuSeconds, long PeakRssKb)
{
    /// <summary>What the process tree used over time (see <see cref="ResourceSample"/>); empty when not sampled.</summary>
    public IReadOnlyList<ResourceSample> Samples { get; init; } = [];

    public bool Succeeded => ExitCode == 0 && Signal == 0;

    public string Describe() => Signal != 0 ? $"killed by signal {Signal}{(Signal == 9 ? " (SIGKILL: out of memory or cancelled?)" : "")}" : $"exit code {ExitCode}";
}

/// <summary>Runs external processes. The real one is <see cref="PosixProcessRunner"/>; tests use a fake.</summary>
public interface IProcessRunner
{
    /// <summary>Runs to completion (blocking the calling thread); cancelling kills the process group.</summary>
    ProcessOutcome Run(ProcessSpec spec, CancellationToken cancellation);

    /// <summary>Runs a short command and returns its stdout and stderr, e.g. <c>python3 --version</c> for tool identity.</summary>
    string Capture(IReadOnlyList<string> argv, string workingDirectory);
}

/// <summary>The program of an argv could not be started (not found, not executable).</summary>
public sealed class ProcessStartException(string message) : Exception(message);

using System.Globalization;
using DataBuild.Execution.Slurm;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.Slurm;
using DataBuild.State;

namespace DataBuild.Cli;

/// <summary>Builds the Slurm executor from <c>--executor slurm</c> and its options.</summary>
internal static class SlurmCommandLine
{
    public static SlurmExecutor Executor(CommandLine line, Workspace workspace, StateStore state, IReadOnlyList<ParameterDescriptor> parameters, TextWriter? log)
    {
        var program = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell the path of this program, which the Slurm workers run.");
        var options = new SlurmExecutorOptions
        {
            // The compiled program itself, not build.sh: compute nodes must never compile. Parameters travel on its command line.
            WorkerCommand = [program, "worker", .. ParameterArguments(line, parameters)],
            WorkingDirectory = Path.GetFullPath(workspace.FileSystem.FullPath(".")),
            Pack = PositiveInt(line, "pack"),
            PackParallel = PositiveInt(line, "pack-parallel") ?? 1,
            PollInterval = line.Value("poll-interval") is { } p
                ? double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(seconds)
                    : throw new UsageException($"--poll-interval needs a positive number of seconds, got '{p}'.")
                : TimeSpan.FromSeconds(30),
            Partition = line.Value("partition"),
            Account = line.Value("account"),
            Qos = line.Value("qos"),
            SbatchArguments = (line.Value("sbatch-args") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            ArrayThrottle = PositiveInt(line, "array-throttle"),
            Retry = new RetryPolicy(RetryCancelled: line.Has("retry-cancelled")),
            Log = log is null ? null : text => log.WriteLine(text),
            AfterSubmit = FaultAfterSbatch(Environment.GetEnvironmentVariable(FaultVariable), log),
        };
        return new SlurmExecutor(new SlurmClient(), options, workspace.FileSystem, state, workspace.Clock, workspace.StateDirectory);
    }

    /// <summary>The fault-suite hook (tests/faults): "kill" SIGKILLs the driver, N pauses N seconds, between sbatch and recording the job id.</summary>
    public const string FaultVariable = "DATABUILD_FAULT_AFTER_SBATCH";

    private static Action<long>? FaultAfterSbatch(string? setting, TextWriter? log) => setting switch
    {
        null or "" => null,
        "kill" => jobId =>
        {
            log?.WriteLine($"fault hook: sbatch returned job {jobId}; killing the driver before it records it");
            log?.Flush();
            System.Diagnostics.Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        },
        _ when double.TryParse(setting, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 => jobId =>
        {
            log?.WriteLine($"fault hook: sbatch returned job {jobId}; pausing {seconds} s before recording it");
            log?.Flush();
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
        },
        _ => throw new UsageException($"{FaultVariable} must be 'kill' or a number of seconds, got '{setting}'."),
    };

    /// <summary>The pipeline's parameters as given to the driver (and --params), so workers bind exactly what the driver bound.</summary>
    private static IEnumerable<string> ParameterArguments(CommandLine line, IReadOnlyList<ParameterDescriptor> parameters)
    {
        foreach (var (name, values) in line.Options)
        {
            if (name != "params" && parameters.All(p => p.Option != name)) continue;
            if (values.Count == 1 && parameters.Any(p => p.Option == name && p.ElementType == typeof(bool) && !p.IsList))
            {
                yield return $"--{name}={values[0]}";
                continue;
            }
            yield return "--" + name;
            foreach (var v in values) yield return v;
        }
    }

    private static int? PositiveInt(CommandLine line, string option) =>
        line.Value(option) is not { } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw new UsageException($"--{option} needs a positive whole number, got '{text}'.");
}

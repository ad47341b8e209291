using System.Globalization;
using System.Text.Json.Serialization;
using DataBuild.IO;
using DataBuild.Slurm;

namespace DataBuild.Model;

/// <summary>How a GPU request is written for the cluster: <c>--gres=gpu:N</c> or <c>--gpus-per-task=N</c>.</summary>
public enum GpuOption { Gres, GpusPerTask }

/// <summary>
/// What a target asks of the batch scheduler beyond cores and memory: queue, account, QoS, constraint, GPUs, time.
/// Each level (command line, profile per target, DSL, profile defaults) fills only what it names; a null is left to the
/// level below. Never part of the task key: moving a target to another queue rebuilds nothing.
/// </summary>
public sealed record SchedulerSettings
{
    /// <summary>The Slurm partition (queue), e.g. <c>long</c>.</summary>
    public string? Partition { get; init; }
    public string? Account { get; init; }
    public string? Qos { get; init; }

    /// <summary>Node features (<c>--constraint</c>), e.g. <c>haswell</c>.</summary>
    public string? Constraint { get; init; }
    public int? Gpus { get; init; }
    public GpuOption? GpuOption { get; init; }
    public int? CpusPerGpu { get; init; }
    public TimeSpan? Walltime { get; init; }
    public IReadOnlyList<string>? SbatchArguments { get; init; }

    /// <summary>The warning of a task that keeps a checkpoint and sets no <see cref="SignalSeconds"/>: two minutes.</summary>
    public const int DefaultSignalSeconds = 120;

    /// <summary>Seconds before the time limit at which the task is sent SIGUSR1 to checkpoint (<c>--signal=B:USR1@N</c>).</summary>
    public int? SignalSeconds { get; init; }

    /// <summary>The container runtime for targets that run in a container (<c>.Container</c>), when the DSL leaves it to <c>auto</c>.</summary>
    public ContainerRuntime? ContainerRuntime { get; init; }

    /// <summary>Where each set value came from (e.g. <c>databuild.yaml:7 (targets.Catalogs.time)</c>), by setting name, for error messages.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, string> Origins { get; init; } = Empty;

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    /// <summary>The names settings go by in a profile and in <c>--set Target.name=value</c>.</summary>
    public static readonly IReadOnlyList<string> Names =
        ["partition", "account", "qos", "constraint", "gpus", "gpu-option", "cpus-per-gpu", "time", "sbatch-args", "signal", "container-runtime"];

    /// <summary>This level over <paramref name="lower"/>: each setting this one leaves null comes from below, with its origin.</summary>
    public SchedulerSettings Over(SchedulerSettings lower)
    {
        var origins = new Dictionary<string, string>(lower.Origins);
        foreach (var (name, origin) in Origins) origins[name] = origin;
        return new SchedulerSettings
        {
            Partition = Partition ?? lower.Partition,
            Account = Account ?? lower.Account,
            Qos = Qos ?? lower.Qos,
            Constraint = Constraint ?? lower.Constraint,
            Gpus = Gpus ?? lower.Gpus,
            GpuOption = GpuOption ?? lower.GpuOption,
            CpusPerGpu = CpusPerGpu ?? lower.CpusPerGpu,
            Walltime = Walltime ?? lower.Walltime,
            SbatchArguments = SbatchArguments ?? lower.SbatchArguments,
            SignalSeconds = SignalSeconds ?? lower.SignalSeconds,
            ContainerRuntime = ContainerRuntime ?? lower.ContainerRuntime,
            Origins = origins,
        };
    }

    /// <summary>Settings of one setting, by its profile name; a value that does not parse is a <see cref="FormatException"/> naming what was expected.</summary>
    public static SchedulerSettings Parse(string name, string value, string origin)
    {
        var origins = new Dictionary<string, string> { [name] = origin };
        return name switch
        {
            "partition" => new SchedulerSettings { Partition = NonEmpty(value), Origins = origins },
            "account" => new SchedulerSettings { Account = NonEmpty(value), Origins = origins },
            "qos" => new SchedulerSettings { Qos = NonEmpty(value), Origins = origins },
            "constraint" => new SchedulerSettings { Constraint = NonEmpty(value), Origins = origins },
            "gpus" => new SchedulerSettings { Gpus = Count(value, allowZero: true), Origins = origins },
            "gpu-option" => new SchedulerSettings { GpuOption = ParseGpuOption(value), Origins = origins },
            "cpus-per-gpu" => new SchedulerSettings { CpusPerGpu = Count(value, allowZero: false), Origins = origins },
            "time" => new SchedulerSettings { Walltime = Duration(value), Origins = origins },
            "sbatch-args" => new SchedulerSettings
            {
                SbatchArguments = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), Origins = origins,
            },
            "signal" => new SchedulerSettings { SignalSeconds = Count(value, allowZero: false), Origins = origins },
            "container-runtime" => new SchedulerSettings { ContainerRuntime = ParseRuntime(value), Origins = origins },
            _ => throw new FormatException($"unknown setting '{name}'.{NearNames.Hint(name, Names)} Settings are: {string.Join(", ", Names)}."),
        };
    }

    /// <summary>A key that is equal exactly when two settings ask the same of Slurm: nodes with equal keys may share an array.</summary>
    public string GroupKey() => string.Join('\u001f', Partition, Account, Qos, Constraint, Gpus, GpuOption, CpusPerGpu,
        Walltime?.Ticks, SignalSeconds, string.Join('\u001e', SbatchArguments ?? []));

    private static string NonEmpty(string value) =>
        value.Trim() is { Length: > 0 } v ? v : throw new FormatException("needs a value, got an empty one.");

    private static int Count(string value, bool allowZero) =>
        int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && (n > 0 || allowZero && n == 0)
            ? n
            : throw new FormatException($"needs a {(allowZero ? "whole number" : "positive whole number")}, got '{value}'.");

    private static GpuOption ParseGpuOption(string value) => value.Trim() switch
    {
        "gres" => Model.GpuOption.Gres,
        "gpus-per-task" => Model.GpuOption.GpusPerTask,
        _ => throw new FormatException($"is 'gres' or 'gpus-per-task', got '{value}'."),
    };

    /// <summary>The names runtimes go by in a profile, as on the command line of each.</summary>
    public static readonly IReadOnlyDictionary<string, ContainerRuntime> RuntimeNames = new Dictionary<string, ContainerRuntime>
    {
        ["auto"] = IO.ContainerRuntime.Auto, ["podman"] = IO.ContainerRuntime.Podman, ["podman-hpc"] = IO.ContainerRuntime.PodmanHpc,
        ["apptainer"] = IO.ContainerRuntime.Apptainer, ["docker"] = IO.ContainerRuntime.Docker,
    };

    private static ContainerRuntime ParseRuntime(string value) =>
        RuntimeNames.TryGetValue(value.Trim(), out var runtime) ? runtime
            : throw new FormatException($"is one of {string.Join(", ", RuntimeNames.Keys)}, got '{value}'.{NearNames.Hint(value.Trim(), RuntimeNames.Keys)}");

    /// <summary>A time as Slurm writes it: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS.</summary>
    private static TimeSpan Duration(string value)
    {
        try
        {
            return SlurmDuration.Parse(value) is { } time && time > TimeSpan.Zero ? time : throw BadTime(value);
        }
        catch (FormatException)
        {
            throw BadTime(value);
        }
    }

    private static FormatException BadTime(string value) =>
        new($"needs a time as Slurm writes it (minutes, HH:MM:SS or D-HH:MM:SS), got '{value}'.");
}

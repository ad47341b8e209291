namespace DataBuild.Slurm;

/// <summary>
/// What one array job asks of Slurm and what each of its tasks runs. Immutable: vary it with `with`.
/// Null resources are left to the cluster's defaults.
/// </summary>
/// <param name="ArrayFirst">First array index; with <paramref name="ArrayLast"/> the --array range.</param>
/// <param name="Throttle">At most this many tasks at once ("%N"), or null for no limit.</param>
/// <param name="OutputPath">Log path; keep "%A_%a" in it so every task writes its own file.</param>
/// <param name="GpusPerTask">Ask for <paramref name="Gpus"/> with --gpus-per-task rather than --gres=gpu:N.</param>
/// <param name="SignalSeconds">Send the batch shell SIGUSR1 this many seconds before the time limit (--signal=B:USR1@N).</param>
/// <param name="Command">The worker's argv, run by every task; it reads $SLURM_ARRAY_TASK_ID itself.</param>
public sealed record SbatchSpec(
    string JobName,
    int ArrayFirst,
    int ArrayLast,
    IReadOnlyList<string> Command,
    string OutputPath,
    string? ErrorPath = null,
    int? Throttle = null,
    int? CpusPerTask = null,
    long? MemoryBytes = null,
    int? Gpus = null,
    TimeSpan? TimeLimit = null,
    string? Partition = null,
    string? Account = null,
    string? Qos = null,
    IReadOnlyList<string>? ExtraArguments = null,
    string? WorkingDirectory = null,
    string? Constraint = null,
    bool GpusPerTask = false,
    int? CpusPerGpu = null,
    int? SignalSeconds = null)
{
    public int TaskCount => ArrayLast - ArrayFirst + 1;
}

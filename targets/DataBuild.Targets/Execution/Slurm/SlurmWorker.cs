using System.Globalization;
using System.Runtime.InteropServices;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.State;

namespace DataBuild.Execution.Slurm;

/// <summary>
/// What one array task runs: <c>databuild worker --manifest M --pack K [--index I]</c>. It never plans the graph: it
/// reads its K manifest lines, finds each node's task by target name, runs them (as many at once as the allocation's
/// CPUs allow) with the same <see cref="NodeRunner"/> as the local executor, and writes one result file per node as
/// each finishes, so one failure never loses its pack-mates' results and a killed pack keeps what already finished.
/// </summary>
public static class SlurmWorker
{
    /// <param name="starts">Where rate-limited tasks take their starts; by default the build's shared log in <c>.databuild/ratelimits/</c>.</param>
    public static int Run(PipelineModel model, Workspace workspace, Func<string, string?> option, TextWriter output, IStartGate? starts = null)
    {
        starts ??= new SharedStartLog(workspace.FileSystem.FullPath($"{workspace.StateDirectory}/ratelimits"));
        var manifest = option("manifest") ?? throw new UsageException("worker needs --manifest <path> (it is started by the Slurm executor's job scripts).");
        var index = ParseInt(option("index") ?? Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID"), "--index (or $SLURM_ARRAY_TASK_ID)");
        var files = ArrayFiles.OfManifest(manifest);
        var pack = option("pack") is { } p ? ParseInt(p, "--pack") : files.ReadPack(workspace.FileSystem);
        var mine = files.ReadManifest(workspace.FileSystem).Skip(index * pack).Take(pack).ToList();
        if (mine.Count == 0) throw new UsageException($"{manifest} has no lines for array index {index} with --pack {pack}.");
        var cpus = int.TryParse(Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK"), out var c) && c > 0 ? c : 1;
        var parallel = Math.Max(1, cpus / Math.Max(1, mine.Max(i => i.Cores)));
        var jobId = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID") is { } job ? $"{job}_{index}" : null;

        using var cancel = new CancellationTokenSource();
        // scancel and time limits send SIGTERM first: stop the tasks (their process groups) and write what we know.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancel.Cancel();
        });
        // --signal=B:USR1@N warns this process (the batch shell, exec'd) before the time limit: tasks that keep a checkpoint save and stop.
        var relay = new SignalRelay();
        using var usr1 = PosixSignalRegistration.Create((PosixSignal)SignalRelay.Usr1, context =>
        {
            context.Cancel = true;
            output.WriteLine("time limit near (SIGUSR1): telling tasks that keep a checkpoint to save and stop");
            relay.Send(SignalRelay.Usr1);
        });
        var runner = new NodeRunner(workspace.FileSystem, workspace.Processes, workspace.Clock, workspace.Containers, relay);
        var failed = 0;
        Parallel.ForEach(mine.Select((invocation, slot) => (invocation, slot)), new ParallelOptions { MaxDegreeOfParallelism = parallel }, item =>
        {
            if (item.invocation.RateLimit is { } limit && !cancel.IsCancellationRequested)
            {
                try
                {
                    var waited = StartPacing.WaitTurn(starts, limit, workspace.Clock, cancel.Token);
                    if (waited > TimeSpan.Zero) output.WriteLine($"{item.invocation.Node}: waited {waited.TotalSeconds:F2} s for a start of rate limit {limit.Name}");
                }
                catch (OperationCanceledException)
                {
                    // Cancelled while waiting: the task never started, and RunOne reports it cancelled.
                }
            }
            var result = ResumeAfterWarning(RunOne(model, runner, item.invocation, cancel.Token), item.invocation, relay.Warned) with { JobId = jobId };
            if (!Reports(result, cancel.IsCancellationRequested))
            {
                output.WriteLine($"stopped {item.invocation.Node}: Slurm ended the job (SIGTERM); the driver reads why from Slurm");
                return;
            }
            ArrayFiles.WriteResult(workspace.FileSystem, files.Result(index, item.slot), result);
            if (!result.Succeeded) Interlocked.Increment(ref failed);
            output.WriteLine($"{(result.Succeeded ? "built" : "FAILED")} {item.invocation.Node} ({result.WallSeconds:F2} s){(result.Succeeded ? "" : ": " + result.Message)}");
        });
        return failed == 0 ? 0 : 1;
    }

    private static RunResult RunOne(PipelineModel model, NodeRunner runner, Invocation invocation, CancellationToken cancellation)
    {
        if (!model.Targets.TryGetValue(invocation.Target, out var spec) || spec.Task is null)
            return new RunResult
            {
                Node = invocation.Node, Status = BuildStatus.Failed, Attempt = invocation.Attempt,
                Message = $"the pipeline program has no target {invocation.Target} with a task; was build/ changed after the job was submitted?",
            };
        try
        {
            return runner.Run(invocation, spec.Task, cancellation);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new RunResult { Node = invocation.Node, Status = BuildStatus.Failed, Message = $"engine error: {e.Message}", Attempt = invocation.Attempt };
        }
    }

    /// <summary>
    /// Whether a node's result is written for the driver. A task stopped by Slurm's SIGTERM writes none: the job's end in
    /// Slurm says what happened (a time limit, a preemption, the driver's scancel), and a requeued job runs the node again,
    /// which a "cancelled" result would have ended.
    /// </summary>
    internal static bool Reports(RunResult result, bool terminated) => !(terminated && result.Status == BuildStatus.Cancelled);

    /// <summary>Attempts a node that checkpoints at the time-limit warning may take before it counts as failing.</summary>
    public const int MaxCheckpointAttempts = 10;

    /// <summary>
    /// A task that keeps a checkpoint and stopped after the time-limit warning did what it was asked: it is retried with the
    /// same time and memory, and resumes from its checkpoint (up to <see cref="MaxCheckpointAttempts"/> attempts).
    /// </summary>
    internal static RunResult ResumeAfterWarning(RunResult result, Invocation invocation, bool warned)
    {
        if (result.Succeeded || !warned || invocation.CheckpointDirectory is null || result.Status == BuildStatus.Cancelled) return result;
        if (invocation.Attempt >= MaxCheckpointAttempts)
            return result with { Message = $"stopped at the time-limit warning on attempt {invocation.Attempt}, the most allowed ({MaxCheckpointAttempts}); {result.Message}" };
        return result with
        {
            Status = BuildStatus.TimedOut,
            Message = $"CHECKPOINTED: stopped at the time-limit warning; resuming from {invocation.CheckpointDirectory} with the same time; {result.Message}",
            Retry = new ResourceRetry(invocation.MemoryMb, invocation.Walltime),
        };
    }

    private static int ParseInt(string? text, string what) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"worker needs {what} as a number, got '{text}'.");
}

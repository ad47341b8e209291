using DataBuild.Execution.Slurm;
using DataBuild.Execution;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Slurm;
using DataBuild.State;

namespace DataBuild.Targets.Tests.Execution;

/// <summary>
/// A Slurm executor on the fake Slurm client, in a real scratch directory (the fake reads the sbatch scripts it is given).
/// <see cref="RunWorker"/> plays an array task's worker: it writes the result files of the task's manifest lines.
/// </summary>
internal sealed class FakeSlurmCluster : IDisposable
{
    private readonly TempDirectory _dir = new();

    public FakeSlurmCluster(SlurmConfig? config = null)
    {
        Files = new RealFileSystem(_dir.Path);
        Client = new FakeSlurmClient(config);
    }

    public RealFileSystem Files { get; }
    public FakeSlurmClient Client { get; }
    public StateStore State { get; } = StateStore.Open(":memory:");

    public SlurmExecutor Executor(int? pack = null, Action<string>? log = null, Action<long>? afterSubmit = null)
    {
        var executor = new SlurmExecutor(Client, new SlurmExecutorOptions
        {
            WorkerCommand = ["databuild", "worker"],
            WorkingDirectory = Files.Root,
            Pack = pack,
            PollInterval = TimeSpan.FromMilliseconds(20),
            Log = log,
            AfterSubmit = afterSubmit,
        }, Files, State);
        executor.Prepare(runId: 1);
        return executor;
    }

    public static Invocation Node(string name, string target = "T", long? memoryMb = 100) => new()
    {
        Node = $"{target}[{name}]", Target = target, Partition = name, Inputs = new Dictionary<string, string[]>(), Outputs = [],
        Upstream = new Dictionary<string, UpstreamBinding[]>(), Parameters = new Dictionary<string, string>(),
        StagingDirectory = ".databuild/staging/" + name, LogPath = $".databuild/logs/{target}/{name}.log", MemoryMb = memoryMb,
        TaskKey = "key-" + name,
    };

    /// <summary>Writes the results of array task <paramref name="task"/> for the given slots (all when null), as its worker would.</summary>
    public void RunWorker(SlurmTaskId task, params int[] slots)
    {
        var script = Client.Task(task).ScriptPath;
        var files = new ArrayFiles(Path.GetRelativePath(Files.Root, Path.GetDirectoryName(script)!));
        var pack = files.ReadPack(Files);
        var lines = files.ReadManifest(Files).Skip(task.Index!.Value * pack).Take(pack).ToList();
        foreach (var slot in slots.Length > 0 ? slots : Enumerable.Range(0, lines.Count))
            ArrayFiles.WriteResult(Files, files.Result(task.Index.Value, slot),
                new RunResult { Node = lines[slot].Node, Status = BuildStatus.Succeeded, WallSeconds = 1, PeakRssKb = 1000 });
    }

    /// <summary>Writes "cancelled" results for every slot of array task <paramref name="task"/>, as its worker does when sent SIGTERM.</summary>
    public void StopWorker(SlurmTaskId task)
    {
        var files = new ArrayFiles(Path.GetRelativePath(Files.Root, Path.GetDirectoryName(Client.Task(task).ScriptPath)!));
        var pack = files.ReadPack(Files);
        var lines = files.ReadManifest(Files).Skip(task.Index!.Value * pack).Take(pack).ToList();
        for (var slot = 0; slot < lines.Count; slot++)
            ArrayFiles.WriteResult(Files, files.Result(task.Index.Value, slot), new RunResult { Node = lines[slot].Node, Status = BuildStatus.Cancelled, Message = "cancelled" });
    }

    /// <summary>Every submitted task runs its worker and completes.</summary>
    public void RunAll()
    {
        foreach (var t in Client.Tasks.Where(t => !t.State.Classify().IsFinal()))
        {
            RunWorker(t.Id);
            Client.Complete(t.Id);
        }
    }

    public static async Task<List<RunResult>> WaitFor(IExecutor executor, int count)
    {
        // Only a hang should trip this: xunit runs an async test's continuations on its few worker threads, so on a 2-core
        // machine two long synchronous tests beside this one can hold it back for more than ten seconds.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var all = new List<RunResult>();
        while (all.Count < count) all.AddRange(await executor.WaitAsync(timeout.Token));
        return all;
    }

    public void Dispose()
    {
        State.Dispose();
        _dir.Dispose();
    }
}

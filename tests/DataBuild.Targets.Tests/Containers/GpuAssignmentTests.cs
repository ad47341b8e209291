using System.Collections.Concurrent;
using DataBuild.Execution;
using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.Targets.Tests.Containers;

/// <summary>Local tasks asking for GPUs each get their own from the budget, as CUDA_VISIBLE_DEVICES.</summary>
public sealed class GpuAssignmentTests
{
    private readonly InMemoryFileSystem _files = new();

    private static Invocation Fit(int i, int gpus) => new()
    {
        Node = $"Fit[{i}]", Target = "Fit", Partition = $"{i}",
        Inputs = new Dictionary<string, string[]>(), Upstream = new Dictionary<string, UpstreamBinding[]>(), Parameters = new Dictionary<string, string>(),
        Outputs = [new OutputBinding("out", $"fit/{i}", $".databuild/staging/1/n{i}/0/{i}", IsDirectory: false)],
        Argv = ["fit", $".databuild/staging/1/n{i}/0/{i}"],
        StagingDirectory = $".databuild/staging/1/n{i}", LogPath = $".databuild/logs/Fit/{i}.log", Gpus = gpus,
    };

    [Fact]
    public async Task No_two_tasks_running_at_once_share_a_gpu_and_all_gpus_are_used()
    {
        var inventory = new FakeGpuInventory("1", "3", "5");
        var processes = new GpuRecordingRunner(_files, concurrentWanted: 3);
        using var executor = new LocalExecutor(new NodeRunner(_files, processes, SystemClock.Instance), 16, 1 << 20, inventory.Devices());
        var pending = new Queue<Invocation>(Enumerable.Range(0, 12).Select(i => Fit(i, gpus: 1)));
        var results = new List<RunResult>();

        while (pending.Count > 0 || executor.Running > 0)
        {
            while (pending.Count > 0 && executor.CanStart(pending.Peek())) executor.Start(pending.Dequeue(), new ArgvTaskSpec(["fit"]));
            results.AddRange(await executor.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));
        }

        Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
        Assert.Empty(processes.Overlaps);
        Assert.Equal(["1", "3", "5"], processes.Seen.Distinct().Order());
        Assert.Equal(12, processes.Seen.Count);
        Assert.Equal(3, processes.MaxConcurrent);
    }

    [Fact]
    public async Task A_task_asking_for_two_gpus_gets_two_and_one_asking_for_none_gets_no_cuda_variable()
    {
        var processes = new GpuRecordingRunner(_files, concurrentWanted: 1);
        using var executor = new LocalExecutor(new NodeRunner(_files, processes, SystemClock.Instance), 16, 1 << 20, new FakeGpuInventory("0", "1").Devices());

        executor.Start(Fit(0, gpus: 2), new ArgvTaskSpec(["fit"]));
        await executor.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        executor.Start(Fit(1, gpus: 0), new ArgvTaskSpec(["fit"]));
        await executor.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(["0,1", null], processes.Visible);
    }

    /// <summary>Writes each task's output and checks, while it runs, that no running task holds the same GPU.</summary>
    private sealed class GpuRecordingRunner(InMemoryFileSystem files, int concurrentWanted) : IProcessRunner
    {
        private readonly object _lock = new();
        private readonly HashSet<string> _inUse = [];
        private int _running;

        public ConcurrentQueue<string> Overlaps { get; } = new();
        public ConcurrentBag<string> Seen { get; } = [];
        public ConcurrentQueue<string?> Visible { get; } = new();
        public int MaxConcurrent { get; private set; }

        public ProcessOutcome Run(ProcessSpec spec, CancellationToken cancellation)
        {
            var visible = spec.Environment?.GetValueOrDefault(Gpu.VisibleDevices);
            Visible.Enqueue(visible);
            var ids = visible?.Split(',') ?? [];
            lock (_lock)
            {
                foreach (var id in ids)
                {
                    if (!_inUse.Add(id)) Overlaps.Enqueue(id);
                    Seen.Add(id);
                }
                _running++;
                MaxConcurrent = Math.Max(MaxConcurrent, _running);
                Monitor.PulseAll(_lock);
                // Wait for the others to start (or a second), so that tasks really overlap.
                var deadline = DateTime.UtcNow.AddSeconds(1);
                while (_running < concurrentWanted && DateTime.UtcNow < deadline) Monitor.Wait(_lock, deadline - DateTime.UtcNow);
            }
            files.WriteAllText(spec.Argv[1], "fitted");
            lock (_lock)
            {
                foreach (var id in ids) _inUse.Remove(id);
                _running--;
            }
            return new ProcessOutcome(0, 0, 0, 0, 0);
        }

        public string Capture(IReadOnlyList<string> argv, string workingDirectory) => "";
    }
}

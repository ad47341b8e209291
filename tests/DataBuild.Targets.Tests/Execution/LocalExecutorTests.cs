using DataBuild.Execution;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.State;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Execution;

public sealed class LocalExecutorTests
{
    private readonly InMemoryFileSystem _files = new();
    private readonly FakeClock _clock = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static readonly TaskSpec Copy = new ArgvTaskSpec(["cp", "{in}", "{out}"]);

    private static Invocation CopyOf(int i, string? program = null)
    {
        var staging = $".databuild/staging/1/n{i}";
        var output = new OutputBinding("out", $"out/{i}", $"{staging}/0/{i}", IsDirectory: false);
        return new Invocation
        {
            Node = $"Copy[{i}]", Target = "Copy", Partition = $"{i}",
            Inputs = new Dictionary<string, string[]> { ["in"] = [$"raw/{i}"] },
            Outputs = [output],
            Upstream = new Dictionary<string, UpstreamBinding[]>(),
            Parameters = new Dictionary<string, string>(),
            Argv = program is null ? ["cp", $"raw/{i}", output.StagingPath] : [program, "1", output.StagingPath],
            StagingDirectory = staging,
            LogPath = $".databuild/logs/Copy/{i}.log",
        };
    }

    /// <summary>Drives the executor like the build loop: start while it may, wait, repeat.</summary>
    private static async Task<List<RunResult>> RunAll(LocalExecutor executor, IEnumerable<Invocation> invocations)
    {
        var pending = new Queue<Invocation>(invocations);
        var results = new List<RunResult>();
        while (pending.Count > 0 || executor.Running > 0)
        {
            while (pending.Count > 0 && executor.CanStart(pending.Peek())) executor.Start(pending.Dequeue(), Copy);
            results.AddRange(await executor.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        }
        return results;
    }

    [Fact]
    public void The_memory_budget_is_what_the_kernel_says_is_available()
    {
        var line = File.ReadLines("/proc/meminfo").Single(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        var kernelMb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;

        // Read a moment apart: within a gigabyte of each other.
        Assert.InRange(LocalExecutor.AvailableMemoryMb(), Math.Max(1, kernelMb - 1024), kernelMb + 1024);
    }

    [Fact]
    public async Task Many_tasks_run_on_no_more_threads_than_jobs()
    {
        for (var i = 0; i < 40; i++) _files.WriteAllText($"raw/{i}", $"quad {i}");
        var processes = new FakeProcessRunner(_files);
        using var executor = new LocalExecutor(new NodeRunner(_files, processes, _clock), cores: 2, memoryMb: 1 << 20, gpus: 0);

        var results = await RunAll(executor, Enumerable.Range(0, 40).Select(i => CopyOf(i)));

        Assert.Equal(40, results.Count(r => r.Succeeded));
        Assert.InRange(executor.RunnerThreadCount, 1, 2);
        Assert.InRange(processes.MaxConcurrent, 1, 2);
        Assert.Equal("quad 39", _files.ReadAllText("out/39"));
    }

    [Fact]
    public async Task The_GPU_budget_is_listed_only_once_a_task_asks_for_GPUs()
    {
        for (var i = 0; i < 4; i++) _files.WriteAllText($"raw/{i}", $"quad {i}");
        var processes = new FakeProcessRunner(_files);
        var listed = 0;
        using var executor = new LocalExecutor(new NodeRunner(_files, processes, _clock), cores: 2, memoryMb: 1 << 20, () =>
        {
            listed++;
            return ["3", "5"];
        });

        await RunAll(executor, [CopyOf(0), CopyOf(1)]);
        Assert.Equal(0, listed);

        var results = await RunAll(executor, [CopyOf(2) with { Gpus = 1 }, CopyOf(3) with { Gpus = 1 }]);

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(1, listed);
        var devices = processes.Specs.Skip(2).Select(s => s.Environment![Gpu.VisibleDevices]).Order().ToList();
        Assert.Equal(["3", "5"], devices);
    }

    [Fact]
    public async Task Cancelling_ends_every_running_task_as_cancelled()
    {
        var processes = new UntilCancelled();
        using var executor = new LocalExecutor(new NodeRunner(_files, processes, _clock), cores: 2, memoryMb: 1 << 20, gpus: 0);
        executor.Start(CopyOf(1, "run-until-cancelled"), Copy);
        executor.Start(CopyOf(2, "run-until-cancelled"), Copy);
        await processes.BothStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));

        executor.CancelAll();
        var results = new List<RunResult>();
        while (results.Count < 2) results.AddRange(await executor.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.All(results, r => Assert.Equal(BuildStatus.Cancelled, r.Status));
        Assert.Equal(0, executor.Running);
    }

    [Fact]
    public async Task An_interrupted_wait_throws_and_the_results_still_arrive_at_the_next_wait()
    {
        var processes = new UntilCancelled(expected: 1);
        using var executor = new LocalExecutor(new NodeRunner(_files, processes, _clock), cores: 2, memoryMb: 1 << 20, gpus: 0);
        executor.Start(CopyOf(1, "run-until-cancelled"), Copy);
        await processes.BothStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var interrupt = new CancellationTokenSource();

        var waiting = executor.WaitAsync(interrupt.Token);
        interrupt.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        executor.CancelAll();
        var results = await executor.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(BuildStatus.Cancelled, Assert.Single(results).Status);
    }

    [Fact]
    public async Task Staging_directories_are_reused_and_none_is_left_once_the_executor_is_disposed()
    {
        for (var i = 0; i < 10; i++) _files.WriteAllText($"raw/{i}", $"quad {i}");
        using (var executor = new LocalExecutor(new NodeRunner(_files, new FakeProcessRunner(_files), _clock), cores: 1, memoryMb: 1 << 20, gpus: 0))
        {
            var results = await RunAll(executor, Enumerable.Range(0, 10).Select(i => CopyOf(i)));

            Assert.All(results, r => Assert.True(r.Succeeded, r.Message));
            Assert.Single(Enumerable.Range(0, 10), i => _files.Exists($".databuild/staging/1/n{i}")); // the spare
        }

        Assert.DoesNotContain(Enumerable.Range(0, 10), i => _files.Exists($".databuild/staging/1/n{i}"));
        Assert.Equal("quad 9", _files.ReadAllText("out/9"));
    }

    /// <summary>Runs every command until it is cancelled; completes <see cref="BothStarted"/> once the expected number run.</summary>
    private sealed class UntilCancelled(int expected = 2) : IProcessRunner
    {
        private int _started;

        public TaskCompletionSource BothStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ProcessOutcome Run(ProcessSpec spec, CancellationToken cancellation)
        {
            if (Interlocked.Increment(ref _started) == expected) BothStarted.SetResult();
            cancellation.WaitHandle.WaitOne();
            return new ProcessOutcome(143, 15, 0, 0, 0);
        }

        public string Capture(IReadOnlyList<string> argv, string workingDirectory) => "";
    }
}

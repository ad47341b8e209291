using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.Execution;

/// <summary>
/// Runs tasks on this machine, in parallel within the core (<c>-j</c>), memory and GPU budgets. A task asking for
/// more than the whole budget runs alone rather than never. Each task asking for GPUs gets its own from the budget
/// (<see cref="Invocation.GpuIds"/>, CUDA_VISIBLE_DEVICES): no two tasks running at once share one. The GPU budget
/// is asked for when the first task asking for GPUs comes (listing GPUs runs nvidia-smi, which a build without GPU
/// tasks need not wait for).
/// </summary>
public sealed class LocalExecutor(NodeRunner runner, int cores, long memoryMb, Func<IReadOnlyList<string>> gpuBudget) : IExecutor
{
    public LocalExecutor(NodeRunner runner, int cores, long memoryMb, IReadOnlyList<string> gpuIds) : this(runner, cores, memoryMb, () => gpuIds) { }

    /// <summary>A budget of <paramref name="gpus"/> GPUs numbered 0..gpus-1.</summary>
    public LocalExecutor(NodeRunner runner, int cores, long memoryMb, int gpus)
        : this(runner, cores, memoryMb, Enumerable.Range(0, Math.Max(0, gpus)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()) { }

    private IReadOnlyList<string>? _gpuIds;
    private List<string> _freeGpus = [];
    private readonly RunnerThreads _threads = new("DataBuild runner");
    private readonly IDisposable _spareStaging = runner.ReuseStagingDirectories();
    private readonly CancellationTokenSource _cancel = new();
    private readonly Dictionary<string, Invocation> _started = new(StringComparer.Ordinal);
    private readonly object _resultsGate = new();
    private List<RunResult> _results = [];
    private TaskCompletionSource<IReadOnlyList<RunResult>>? _waiter;
    private int _coresInUse;
    private long _memoryInUse;
    private int _gpusInUse;

    public string Name => "local";

    public int Running { get; private set; }

    /// <summary>Threads that ran tasks so far: at most the number of tasks that ran at once.</summary>
    public int RunnerThreadCount => _threads.Count;

    public bool CanStart(Invocation invocation)
    {
        if (Running == 0) return true;
        return _coresInUse + Cores(invocation) <= cores
            && _memoryInUse + Memory(invocation) <= memoryMb
            && (invocation.Gpus == 0 || _gpusInUse + Math.Min(invocation.Gpus, Gpus) <= Gpus);
    }

    public void Start(Invocation invocation, TaskSpec task)
    {
        Running++;
        _coresInUse += Cores(invocation);
        _memoryInUse += Memory(invocation);
        // Always set for a task asking for GPUs: none (an empty list) on a machine without any, so it runs on the CPU.
        if (invocation.Gpus > 0)
        {
            var take = Math.Min(invocation.Gpus, Gpus);
            _gpusInUse += take;
            invocation = invocation with { GpuIds = _freeGpus.Take(take).ToArray() };
            _freeGpus.RemoveRange(0, take);
        }
        _started[invocation.Node] = invocation;
        _threads.Run(() =>
        {
            RunResult result;
            try
            {
                result = runner.Run(invocation, task, _cancel.Token) with { Attempt = invocation.Attempt };
            }
            catch (Exception e)
            {
                result = new RunResult { Node = invocation.Node, Status = BuildStatus.Failed, Message = $"engine error: {e.Message}", Attempt = invocation.Attempt };
            }
            return () => Deliver(result);
        });
    }

    public void Flush() { }

    /// <summary>
    /// Returns at once when results are waiting. Otherwise the task it returns is completed by the runner thread
    /// that finishes next, which then runs the caller's continuation itself (no thread-pool hop): that thread has
    /// nothing to do until the driver hands it the next task, and a hop per result woke a pool thread that spun.
    /// </summary>
    public Task<IReadOnlyList<RunResult>> WaitAsync(CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        TaskCompletionSource<IReadOnlyList<RunResult>> waiter;
        lock (_resultsGate)
        {
            if (_results.Count > 0) return Task.FromResult<IReadOnlyList<RunResult>>(TakeResults());
            if (_waiter is not null) throw new InvalidOperationException("WaitAsync is already waiting; the driver loop waits once at a time.");
            _waiter = waiter = new TaskCompletionSource<IReadOnlyList<RunResult>>();
        }
        if (cancellation.CanBeCanceled)
        {
            var registration = cancellation.Register(() =>
            {
                lock (_resultsGate)
                {
                    if (_waiter != waiter) return;
                    _waiter = null;
                }
                // Not inline: the driver loop would run inside whoever cancelled (a Ctrl-C handler).
                ThreadPool.QueueUserWorkItem(_ => waiter.TrySetCanceled(cancellation));
            });
            waiter.Task.ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return waiter.Task;
    }

    private void Deliver(RunResult result)
    {
        TaskCompletionSource<IReadOnlyList<RunResult>>? waiter;
        IReadOnlyList<RunResult> batch;
        lock (_resultsGate)
        {
            _results.Add(result);
            waiter = _waiter;
            if (waiter is null) return;
            _waiter = null;
            batch = TakeResults();
        }
        waiter.TrySetResult(batch); // outside the lock: this runs the driver loop until it waits again
    }

    // Under _resultsGate, either on the driver loop's thread or while the loop awaits the waiter being completed
    // here: the budget bookkeeping is the loop's state and never changes under it.
    private List<RunResult> TakeResults()
    {
        var list = _results;
        _results = [];
        foreach (var r in list)
        {
            _started.Remove(r.Node, out var invocation);
            Running--;
            _coresInUse -= Cores(invocation!);
            _memoryInUse -= Memory(invocation!);
            if (invocation!.GpuIds is { } ids)
            {
                _gpusInUse -= ids.Count;
                ReturnGpus(ids);
            }
        }
        return list;
    }

    // In budget order, so the lowest free indices go first and a run's assignment is reproducible.
    private void ReturnGpus(IReadOnlyList<string> ids)
    {
        _freeGpus.AddRange(ids);
        _freeGpus.Sort((a, b) => Order(a).CompareTo(Order(b)));
        int Order(string id)
        {
            for (var i = 0; i < _gpuIds!.Count; i++)
                if (_gpuIds[i] == id) return i;
            return int.MaxValue;
        }
    }

    private int Gpus
    {
        get
        {
            if (_gpuIds is null)
            {
                _gpuIds = gpuBudget();
                _freeGpus = [.. _gpuIds];
            }
            return _gpuIds.Count;
        }
    }

    public void CancelAll() => _cancel.Cancel();

    public void Dispose()
    {
        _threads.Dispose();
        _spareStaging.Dispose();
        _cancel.Dispose();
    }

    private int Cores(Invocation invocation) => Math.Min(invocation.Cores, cores);

    private long Memory(Invocation invocation) => Math.Min(invocation.MemoryMb ?? 0, memoryMb);

    /// <summary>Available memory from /proc/meminfo, so -j does not overcommit a login node.</summary>
    public static long AvailableMemoryMb()
    {
        try
        {
            // Read as bytes with open(2) (IO.RealFileSystem), not File.ReadLines: .NET's open costs start-up time (bench/README.md, round 16).
            var text = System.Text.Encoding.ASCII.GetString(new IO.RealFileSystem("/").ReadAllBytes("/proc/meminfo"));
            foreach (var line in text.Split('\n'))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException) { }
        return long.MaxValue / 4;
    }
}

using System.Threading.Channels;
using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.Execution;

/// <summary>
/// Runs tasks on this machine, in parallel within the core (<c>-j</c>), memory and GPU budgets. A task asking for
/// more than the whole budget runs alone rather than never.
/// </summary>
public sealed class LocalExecutor(NodeRunner runner, int cores, long memoryMb, int gpus) : IExecutor
{
    private readonly Channel<RunResult> _results = Channel.CreateUnbounded<RunResult>();
    private readonly CancellationTokenSource _cancel = new();
    private readonly Dictionary<string, Invocation> _started = new(StringComparer.Ordinal);
    private int _coresInUse;
    private long _memoryInUse;
    private int _gpusInUse;

    public string Name => "local";

    public int Running { get; private set; }

    public bool CanStart(Invocation invocation)
    {
        if (Running == 0) return true;
        return _coresInUse + Cores(invocation) <= cores
            && _memoryInUse + Memory(invocation) <= memoryMb
            && _gpusInUse + Math.Min(invocation.Gpus, gpus) <= gpus;
    }

    public void Start(Invocation invocation, TaskSpec task)
    {
        Running++;
        _coresInUse += Cores(invocation);
        _memoryInUse += Memory(invocation);
        _gpusInUse += Math.Min(invocation.Gpus, gpus);
        // A thread of its own: tasks block (wait4, CPU-bound C#) and must not starve the thread pool.
        var thread = new Thread(() =>
        {
            RunResult result;
            try
            {
                result = runner.Run(invocation, task, _cancel.Token);
            }
            catch (Exception e)
            {
                result = new RunResult { Node = invocation.Node, Status = BuildStatus.Failed, Message = $"engine error: {e.Message}", Attempt = invocation.Attempt };
            }
            _results.Writer.TryWrite(result with { Attempt = invocation.Attempt });
        }) { IsBackground = true, Name = invocation.Node };
        _started[invocation.Node] = invocation;
        thread.Start();
    }

    public void Flush() { }

    public async Task<IReadOnlyList<RunResult>> WaitAsync(CancellationToken cancellation)
    {
        var list = new List<RunResult> { await _results.Reader.ReadAsync(cancellation) };
        while (_results.Reader.TryRead(out var more)) list.Add(more);
        foreach (var r in list)
        {
            var invocation = _started[r.Node];
            _started.Remove(r.Node);
            Running--;
            _coresInUse -= Cores(invocation);
            _memoryInUse -= Memory(invocation);
            _gpusInUse -= Math.Min(invocation.Gpus, gpus);
        }
        return list;
    }

    public void CancelAll() => _cancel.Cancel();

    public void Dispose() => _cancel.Dispose();

    private int Cores(Invocation invocation) => Math.Min(invocation.Cores, cores);

    private long Memory(Invocation invocation) => Math.Min(invocation.MemoryMb ?? 0, memoryMb);

    /// <summary>GPUs this process may use: CUDA_VISIBLE_DEVICES when set, else the /dev/nvidiaN devices.</summary>
    public static int AvailableGpus()
    {
        if (Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES") is { } visible)
            return visible.Split(',', StringSplitOptions.RemoveEmptyEntries).Count(d => d.Trim() != "-1");
        try
        {
            return Directory.EnumerateFiles("/dev", "nvidia*").Count(f => Path.GetFileName(f)[6..].All(char.IsAsciiDigit) && f.Length > "/dev/nvidia".Length);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Available memory from /proc/meminfo, so -j does not overcommit a login node.</summary>
    public static long AvailableMemoryMb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
        catch (IOException) { }
        return long.MaxValue / 4;
    }
}

namespace DataBuild.Execution;

/// <summary>
/// Dedicated threads that run local tasks, fed by a queue: a thread per task cost a clone, a stack and a cold
/// ArrayPool cache each time, and tasks block in wait4, so they must not run on (and starve) the thread pool.
/// The set grows only when work is queued and no thread is free, so it settles at the executor's concurrency (-j).
/// Waiting threads block on a monitor, with no spinning hand-off.
/// </summary>
internal sealed class RunnerThreads(string name) : IDisposable
{
    private readonly object _gate = new(); // a monitor, not a Lock: Monitor.Wait needs one
    private readonly Queue<Func<Action>> _work = new();
    private int _threads;
    private int _busy;
    private bool _stopped;

    /// <summary>Threads started so far: at most the number of work items that were ever queued or running at once.</summary>
    public int Count
    {
        get { lock (_gate) return _threads; }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a free thread, then the action it returns (delivering its result) once that
    /// thread counts as free again, so work started in reaction to the result reuses the thread. Neither may throw.
    /// </summary>
    public void Run(Func<Action> work)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _work.Enqueue(work);
            if (_work.Count > _threads - _busy)
            {
                _threads++;
                new Thread(Loop) { IsBackground = true, Name = $"{name} {_threads}" }.Start();
            }
            else
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>Lets the threads end once the queue is empty; never joins them, since the caller may be one of them.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Loop()
    {
        while (true)
        {
            Func<Action> work;
            lock (_gate)
            {
                while (_work.Count == 0 && !_stopped) Monitor.Wait(_gate);
                if (_work.Count == 0) return;
                work = _work.Dequeue();
                _busy++;
            }
            Action deliver;
            try
            {
                deliver = work();
            }
            finally
            {
                lock (_gate) _busy--;
            }
            deliver();
        }
    }
}

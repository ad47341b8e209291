namespace DataBuild.IO;

/// <summary>
/// Samples the VmHWM of running children (Linux) from one shared thread: first 20 ms after a child starts, then every
/// 200 ms. A Timer per child cost a timer-queue update and a wake-up even for the many children done within 20 ms,
/// which this never reads. The thread ticks every 20 ms while children run and sleeps once none ran for a second.
/// </summary>
internal sealed class PeakRssSampler
{
    public static readonly PeakRssSampler Shared = new();

    // Milliseconds of Environment.TickCount64: monotonic, unlike the wall clock.
    private const long TickMs = 20, PeriodMs = 200, IdleAfterMs = 1000;

    private readonly object _gate = new(); // a monitor: the thread waits on it
    private readonly List<Child> _children = [];
    private bool _threadWaitsForWork;
    private Thread? _thread;

    /// <summary>Starts sampling <paramref name="pid"/>; <see cref="Stop"/> returns its peak.</summary>
    public Child Start(int pid)
    {
        var child = new Child(pid, Environment.TickCount64 + TickMs);
        lock (_gate)
        {
            _children.Add(child);
            if (_thread is null)
            {
                _thread = new Thread(Loop) { IsBackground = true, Name = "DataBuild VmHWM sampler" };
                _thread.Start();
            }
            else if (_threadWaitsForWork)
            {
                Monitor.Pulse(_gate);
            }
        }
        return child;
    }

    /// <summary>Stops sampling the child (call once it has been reaped) and returns its highest VmHWM seen in kB, 0 if never sampled.</summary>
    public long Stop(Child child)
    {
        lock (_gate)
        {
            _children.Remove(child);
            return child.PeakKb;
        }
    }

    private void Loop()
    {
        var lastBusy = Environment.TickCount64;
        var due = new List<Child>();
        while (true)
        {
            lock (_gate)
            {
                var now = Environment.TickCount64;
                if (_children.Count > 0) lastBusy = now;
                if (now - lastBusy > IdleAfterMs)
                {
                    _threadWaitsForWork = true;
                    while (_children.Count == 0) Monitor.Wait(_gate);
                    _threadWaitsForWork = false;
                    lastBusy = Environment.TickCount64;
                }
                due.Clear();
                foreach (var c in _children)
                    if (c.NextSample <= now) due.Add(c);
            }
            foreach (var c in due)
            {
                // Read outside the lock; a child reaped meanwhile is simply not updated below.
                var kb = PosixProcessRunner.ReadHwmKb($"/proc/{c.Pid}/status");
                lock (_gate)
                {
                    if (kb is { } value && _children.Contains(c)) c.PeakKb = Math.Max(c.PeakKb, value);
                    c.NextSample = Environment.TickCount64 + PeriodMs;
                }
            }
            Thread.Sleep((int)TickMs);
        }
    }

    internal sealed class Child(int pid, long firstSampleMs)
    {
        public int Pid { get; } = pid;
        public long NextSample { get; set; } = firstSampleMs;
        public long PeakKb { get; set; }
    }
}

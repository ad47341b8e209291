using System.Globalization;

namespace DataBuild.IO;

/// <summary>
/// Watches running children (Linux) from one shared thread: their VmHWM first 20 ms after a child starts, then every
/// 200 ms (the peak of short tasks); and every <see cref="IntervalMs"/> what the child's whole process tree uses
/// (<see cref="ResourceSample"/>: memory, CPU, I/O, threads, GPU for tasks that asked for one). A Timer per child cost
/// a timer-queue update and a wake-up even for the many children done within 20 ms, which this never reads. The
/// thread ticks every 20 ms while children run and sleeps once none ran for a second.
/// </summary>
internal sealed class ProcessSampler
{
    public static readonly ProcessSampler Shared = new(IntervalFromEnvironment(), NvidiaSmiProbe.Find);

    /// <summary>The most samples a task keeps: past it, pairs merge (keeping the higher memory) and the interval doubles, so a day-long task's samples stay as small as a ten-minute one's.</summary>
    public const int MaxSamples = 512;

    // Milliseconds of Environment.TickCount64: monotonic, unlike the wall clock.
    private const long TickMs = 20, PeriodMs = 200, IdleAfterMs = 1000;

    private readonly object _gate = new(); // a monitor: the thread waits on it
    private readonly List<Child> _children = [];
    private readonly Lazy<IGpuProbe?> _gpu;
    private bool _threadWaitsForWork;
    private Thread? _thread;

    public ProcessSampler(long intervalMs, Func<IGpuProbe?> gpu)
    {
        IntervalMs = intervalMs;
        _gpu = new Lazy<IGpuProbe?>(gpu);
    }

    /// <summary>Milliseconds between samples of a task's process tree; 0 samples no series (the peak is still measured).</summary>
    public long IntervalMs { get; }

    /// <summary>
    /// The interval from <c>DATABUILD_SAMPLE_SECONDS</c> (default 1; 0 turns series off). Reading a task tree's /proc
    /// files takes about 0.1 ms, so one per second costs far below 1% of a core (bench/README.md, "Resource samples").
    /// </summary>
    public static long IntervalFromEnvironment() =>
        double.TryParse(Environment.GetEnvironmentVariable("DATABUILD_SAMPLE_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0
            ? (long)(s * 1000)
            : 1000;

    /// <summary>Starts watching <paramref name="pid"/>; <see cref="Stop"/> returns its peak and samples.</summary>
    public Child Start(int pid, bool sampleGpu = false)
    {
        var now = Environment.TickCount64;
        return Watch(new Child(pid, now, now + TickMs, IntervalMs, sampleGpu));
    }

    /// <summary>Starts sampling the calling thread (an in-process task): its CPU and bytes, and the driver's memory; no peak.</summary>
    public Child StartThisThread()
    {
        var tid = PosixProcessRunner.CurrentThreadId();
        var now = Environment.TickCount64;
        // A pool thread ran other tasks before: its CPU time counts from here (getrusage, one cheap call on this thread),
        // its bytes from the first sample (reading /proc here would cost every short in-process task ~0.1 ms).
        return Watch(new Child(tid, now, now + TickMs, IntervalMs, sampleGpu: false) { IsThread = true, CpuBefore = PosixProcessRunner.ThreadCpuSeconds() });
    }

    private Child Watch(Child child)
    {
        lock (_gate)
        {
            _children.Add(child);
            if (_thread is null)
            {
                _thread = new Thread(Loop) { IsBackground = true, Name = "DataBuild process sampler" };
                _thread.Start();
            }
            else if (_threadWaitsForWork)
            {
                Monitor.Pulse(_gate);
            }
        }
        return child;
    }

    /// <summary>Stops watching the child (call once it has been reaped): its highest VmHWM seen in kB (0 if never read) and its samples.</summary>
    public (long PeakKb, IReadOnlyList<ResourceSample> Samples) Stop(Child child)
    {
        lock (_gate)
        {
            _children.Remove(child);
            return (child.PeakKb, child.Samples.ToArray());
        }
    }

    private void Loop()
    {
        var lastBusy = Environment.TickCount64;
        var dueForPeak = new List<Child>();
        var dueForSample = new List<Child>();
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
                dueForPeak.Clear();
                dueForSample.Clear();
                foreach (var c in _children)
                {
                    if (c.NextPeak <= now && !c.IsThread) dueForPeak.Add(c);
                    if (c.Interval > 0 && c.NextSample <= now) dueForSample.Add(c);
                }
            }
            // Read outside the lock; a child reaped meanwhile is simply not updated below.
            foreach (var c in dueForPeak)
            {
                var kb = PosixProcessRunner.ReadHwmKb($"/proc/{c.Pid}/status");
                lock (_gate)
                {
                    if (kb is { } value && _children.Contains(c)) c.PeakKb = Math.Max(c.PeakKb, value);
                    c.NextPeak = Environment.TickCount64 + PeriodMs;
                }
            }
            foreach (var c in dueForSample) SampleTree(c);
            Thread.Sleep((int)TickMs);
        }
    }

    private void SampleTree(Child c)
    {
        var now = Environment.TickCount64;
        var seconds = (now - c.StartedMs) / 1000.0;
        ResourceSample sample;
        if (c.IsThread)
        {
            if (ProcessTree.ReadThread(c.Pid, seconds) is not { } thread) return;
            c.BytesBefore ??= (thread.ReadBytes, thread.WriteBytes);
            sample = thread with
            {
                CpuSeconds = Math.Max(0, thread.CpuSeconds - c.CpuBefore),
                ReadBytes = thread.ReadBytes - c.BytesBefore.Value.Read, WriteBytes = thread.WriteBytes - c.BytesBefore.Value.Written,
            };
        }
        else
        {
            if (ProcessTree.Read(c.Pid, seconds) is not { } tree) return;
            sample = tree.Sample;
            if (c.SampleGpu && _gpu.Value?.Read(tree.Pids) is { } gpu)
                sample = sample with { GpuPercent = gpu.Percent, GpuMemoryMb = gpu.MemoryMb };
        }
        lock (_gate)
        {
            if (!_children.Contains(c)) return;
            c.Samples.Add(sample);
            if (c.Samples.Count >= MaxSamples)
            {
                Halve(c.Samples);
                c.Interval *= 2;
            }
            c.NextSample = now + c.Interval;
        }
    }

    /// <summary>Merges neighbouring samples: the later one's time and running totals, the higher memory and thread count of the two.</summary>
    internal static void Halve(List<ResourceSample> samples)
    {
        var merged = new List<ResourceSample>(samples.Count / 2 + 1);
        for (var i = 0; i < samples.Count; i += 2)
        {
            if (i + 1 == samples.Count) { merged.Add(samples[i]); break; }
            var (a, b) = (samples[i], samples[i + 1]);
            merged.Add(b with
            {
                RssKb = Math.Max(a.RssKb, b.RssKb), Threads = Math.Max(a.Threads, b.Threads),
                GpuPercent = Max(a.GpuPercent, b.GpuPercent), GpuMemoryMb = Max(a.GpuMemoryMb, b.GpuMemoryMb),
            });
        }
        samples.Clear();
        samples.AddRange(merged);
    }

    private static T? Max<T>(T? a, T? b) where T : struct, IComparable<T> =>
        a is null ? b : b is null ? a : a.Value.CompareTo(b.Value) >= 0 ? a : b;

    internal sealed class Child(int pid, long startedMs, long firstPeakMs, long interval, bool sampleGpu)
    {
        public int Pid { get; } = pid;
        public long StartedMs { get; } = startedMs;
        public bool SampleGpu { get; } = sampleGpu;
        public bool IsThread { get; init; }
        public double CpuBefore { get; init; }
        public (long Read, long Written)? BytesBefore { get; set; }
        public long NextPeak { get; set; } = firstPeakMs;
        // The first sample comes early (like the peak's) so a task of a second or two has one.
        public long NextSample { get; set; } = firstPeakMs;
        public long Interval { get; set; } = interval;
        public long PeakKb { get; set; }
        public List<ResourceSample> Samples { get; } = [];
    }
}

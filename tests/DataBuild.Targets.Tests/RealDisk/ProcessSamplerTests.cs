using DataBuild.IO;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.RealDisk;

/// <summary>The resource samples of real processes, read from /proc while they run.</summary>
public sealed class ProcessSamplerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Idles for 1.5 s, then holds 200 MB for 2.5 s, then 500 MB for 2.5 s, in a grandchild (sh starts python and
    // waits for it), so the samples must follow the process tree down to it.
    private const string Grow =
        "import time\ntime.sleep(1.5)\na = b'x' * (200 << 20)\ntime.sleep(2.5)\nb = b'y' * (300 << 20)\ntime.sleep(2.5)\n";

    [Fact]
    public void Samples_of_a_task_tree_show_the_memory_its_grandchild_allocates_over_time_within_ten_percent()
    {
        File.WriteAllText(_dir.File("grow.py"), Grow);
        // The interpreter itself, not a version manager's shim, which takes a second of its own to start.
        var python = PosixProcessRunner.Instance.Capture(["python3", "-c", "import sys; print(sys.executable)"], _dir.Path);

        var outcome = PosixProcessRunner.Instance.Run(
            new ProcessSpec(["sh", "-c", $"'{python}' grow.py; true"], _dir.Path, _dir.File("task.log")), CancellationToken.None);

        Assert.True(outcome.Succeeded, File.ReadAllText(_dir.File("task.log")));
        var samples = outcome.Samples;
        var shown = string.Join("; ", samples.Select(s => $"{s.Seconds:F1} s {s.RssKb / 1024} MB"));
        Assert.True(samples.Count >= 6, shown);
        double Mb(ResourceSample s) => s.RssKb / 1024.0;
        // Python itself takes ~10 MB: the phases are measured above what the tree held while python idled. On a loaded
        // machine a sample may fall while python still fills its pages, so the test asks that some sample shows each
        // phase and none shows more than the last.
        var idle = samples.Where(s => s.Seconds < 1.4).Select(Mb).Max();
        var above = samples.Select(s => Mb(s) - idle).ToList();
        Assert.Contains(above, mb => mb is > 180 and < 220);
        Assert.Contains(above, mb => mb is > 450 and < 550);
        Assert.All(above, mb => Assert.True(mb < 550, shown));
        Assert.All(samples, s => Assert.True(s.Threads >= 1, shown));
        Assert.True(samples[^1].ReadBytes > 0, "python read its script");
        Assert.True(samples.Zip(samples.Skip(1)).All(p => p.Second.CpuSeconds >= p.First.CpuSeconds), "CPU time only grows");
    }

    [Fact]
    public void The_cpu_time_of_the_samples_agrees_with_what_the_kernel_reports_at_exit()
    {
        var python = PosixProcessRunner.Instance.Capture(["python3", "-c", "import sys; print(sys.executable)"], _dir.Path);
        var busy = PosixProcessRunner.Instance.Run(new ProcessSpec(
            [python, "-c", "import time\nend = time.time() + 3\nwhile time.time() < end: pass"], _dir.Path, _dir.File("busy.log")), CancellationToken.None);
        var idle = PosixProcessRunner.Instance.Run(new ProcessSpec(["sleep", "2.5"], _dir.Path, _dir.File("idle.log")), CancellationToken.None);

        // The last sample comes up to a second before the exit: it has at most the CPU time wait4 reports, and most of it.
        var last = busy.Samples[^1];
        Assert.InRange(last.CpuSeconds, busy.CpuSeconds * (last.Seconds - 1) / busy.WallSeconds - 0.1, busy.CpuSeconds + 0.05);
        Assert.InRange(idle.Samples[^1].CpuSeconds / idle.Samples[^1].Seconds, 0, 0.05);
    }

    [Fact]
    public void An_in_process_task_is_sampled_as_its_thread_with_the_drivers_memory()
    {
        var handle = PosixProcessRunner.StartSamplingThisThread();
        var until = DateTime.UtcNow.AddSeconds(1.5);
        var spins = 0L;
        while (DateTime.UtcNow < until) spins++;
        var samples = PosixProcessRunner.StopSampling(handle);

        Assert.True(samples.Count >= 2, $"{samples.Count} samples after {spins} spins");
        Assert.All(samples, s => Assert.True(s.DriverMemory && s.Threads == 1 && s.RssKb > 10_000, s.ToString()));
        Assert.True(samples[^1].CpuSeconds > samples[0].CpuSeconds, "the spinning thread's CPU time grows");
    }

    [Fact]
    public void Past_the_most_samples_a_task_keeps_neighbours_merge_keeping_the_higher_memory()
    {
        var samples = Enumerable.Range(1, 5).Select(i => new ResourceSample(i, i % 2 == 1 ? 1000 * i : 10, i, i, i, i)).ToList();

        ProcessSampler.Halve(samples);

        Assert.Equal([2.0, 4.0, 5.0], samples.Select(s => s.Seconds));
        Assert.Equal([1000L, 3000L, 5000L], samples.Select(s => s.RssKb));
        Assert.Equal([2.0, 4.0, 5.0], samples.Select(s => s.CpuSeconds));
    }

    [Fact]
    public void The_gpu_use_of_a_task_is_that_of_its_pids_on_the_gpus_they_use()
    {
        const string apps = "4242, GPU-a, 1200\n77, GPU-b, 900\n4243, GPU-a, 300\n";
        const string gpus = "GPU-a, 85\nGPU-b, 10\n";

        Assert.Equal((85, 1500L), NvidiaSmiProbe.Parse(apps, gpus, [4242, 4243, 1]));
        Assert.Null(NvidiaSmiProbe.Parse(apps, gpus, [5]));
    }
}

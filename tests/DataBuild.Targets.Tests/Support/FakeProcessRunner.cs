using System.Collections.Concurrent;
using DataBuild.Execution;
using DataBuild.IO;

namespace DataBuild.Targets.Tests.Support;

/// <summary>
/// "Runs" a few argv commands against an <see cref="InMemoryFileSystem"/> and counts what ran, how many at once:
/// <c>cp SRC DST</c>, <c>cat OUT IN...</c>, <c>write OUT TEXT</c>, <c>fail</c>, <c>flaky TIMES OUT</c> (fails its
/// first TIMES runs), <c>hold N OUT</c> (waits until N holds run at once, or a quarter second passes), <c>nothing</c>
/// (writes no output) and <c>undeclared OUT</c> (writes OUT and a stray file beside it).
/// </summary>
internal sealed class FakeProcessRunner(InMemoryFileSystem files) : IProcessRunner
{
    private readonly ConcurrentQueue<IReadOnlyList<string>> _runs = new();
    private readonly ConcurrentDictionary<string, int> _flakyFailures = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private int _running;

    public IReadOnlyList<IReadOnlyList<string>> Runs => _runs.ToList();

    /// <summary>Every process started, with its environment.</summary>
    public IReadOnlyList<ProcessSpec> Specs => _specs.ToList();

    private readonly ConcurrentQueue<ProcessSpec> _specs = new();

    public int MaxConcurrent { get; private set; }

    public ProcessOutcome Run(ProcessSpec spec, CancellationToken cancellation)
    {
        _runs.Enqueue(spec.Argv.ToList());
        _specs.Enqueue(spec);
        lock (_lock)
        {
            _running++;
            MaxConcurrent = Math.Max(MaxConcurrent, _running);
            Monitor.PulseAll(_lock);
        }
        try
        {
            return Execute(spec.Argv);
        }
        finally
        {
            lock (_lock) _running--;
        }
    }

    private ProcessOutcome Execute(IReadOnlyList<string> argv)
    {
        switch (argv[0])
        {
            case "cp":
                files.WriteAllBytes(argv[2], Read(argv[1]));
                return Ok;
            case "cat":
                files.WriteAllBytes(argv[1], argv.Skip(2).SelectMany(Read).ToArray());
                return Ok;
            case "write":
                files.WriteAllText(argv[1], argv[2]);
                return Ok;
            case "fail":
                return Exit(1);
            case "flaky":
                if (_flakyFailures.AddOrUpdate(argv[2], 1, (_, n) => n + 1) <= int.Parse(argv[1])) return Exit(3);
                files.WriteAllText(argv[2], "finally");
                return Ok;
            case "hold":
                WaitForConcurrent(int.Parse(argv[1]));
                files.WriteAllText(argv[2], "held");
                return Ok;
            case "nothing":
                return Ok;
            case "sampled":
                // sampled <out> <rss MB>...: one sample a second with that memory, using half a core throughout.
                files.WriteAllText(argv[1], "sampled");
                return Ok with
                {
                    Samples = argv.Skip(2).Select((mb, i) => new ResourceSample(i + 1, long.Parse(mb) * 1024, 0.5 * (i + 1), 1048576L * (i + 1), 0, 2)).ToList(),
                };
            case "undeclared":
                files.WriteAllText(argv[1], "declared");
                files.WriteAllText(argv[1] + ".extra", "stray");
                return Ok;
            default:
                throw new ProcessStartException($"Cannot start '{argv[0]}': no such program in the fake runner.");
        }
    }

    // Waiting for an event (the others arriving), bounded so that a capped group of fewer still finishes.
    private void WaitForConcurrent(int wanted)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(250);
        lock (_lock)
            while (_running < wanted && DateTime.UtcNow < deadline)
                Monitor.Wait(_lock, deadline - DateTime.UtcNow);
    }

    private byte[] Read(string path)
    {
        using var stream = files.OpenRead(path);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public string Capture(IReadOnlyList<string> argv, string workingDirectory) => "";

    private static readonly ProcessOutcome Ok = Exit(0);

    private static ProcessOutcome Exit(int code) => new(code, 0, 0, 0, 0);
}

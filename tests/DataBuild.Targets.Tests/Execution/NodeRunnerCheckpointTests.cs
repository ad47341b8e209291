using DataBuild.Execution;
using DataBuild.Execution.Slurm;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.Targets.Tests.Execution;

/// <summary>A C# step that keeps a checkpoint, stopped by the time-limit warning a Slurm worker relays, on a real disk.</summary>
public sealed class NodeRunnerCheckpointTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RealFileSystem _files;

    public NodeRunnerCheckpointTests() => _files = new RealFileSystem(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private static Invocation Counter(int attempt) => new()
    {
        Node = "Count[n=5]", Target = "Count", Partition = "n=5",
        Inputs = new Dictionary<string, string[]>(),
        Outputs = [new OutputBinding("out", "out/count.txt", $".databuild/staging/{attempt}/0/count.txt", IsDirectory: false)],
        Upstream = new Dictionary<string, UpstreamBinding[]>(),
        Parameters = new Dictionary<string, string>(),
        StagingDirectory = $".databuild/staging/{attempt}",
        CheckpointDirectory = ".databuild/checkpoints/Count/n=5",
        LogPath = ".databuild/logs/Count/n=5.log",
        Walltime = TimeSpan.FromMinutes(1),
        Attempt = attempt,
    };

    /// <summary>Counts to 5, one line per step in its checkpoint; the relay's warning arrives during step <paramref name="warnAt"/>.</summary>
    private static TaskSpec CountingTo5(SignalRelay relay, int? warnAt) => new DelegateTaskSpec(ctx =>
    {
        var log = Path.Combine(ctx.CheckpointDirectory, "steps.log");
        var n = File.Exists(log) ? File.ReadAllLines(log).Length : 0;
        while (n < 5)
        {
            ctx.CheckpointRequested.ThrowIfCancellationRequested();
            n++;
            if (n == warnAt) relay.Send(SignalRelay.Usr1);
            File.AppendAllText(log, $"step {n} on attempt {ctx.Attempt}\n");
        }
        File.WriteAllText(ctx.Output(), string.Join("", File.ReadAllLines(log).Select(l => l + "\n")));
    }, "1");

    [Fact]
    public void A_CSharp_step_stopped_by_the_warning_is_retried_with_the_same_time_and_its_next_attempt_continues_the_count()
    {
        var first = new SignalRelay();
        var stopped = new NodeRunner(_files, PosixProcessRunner.Instance, SystemClock.Instance, signals: first)
            .Run(Counter(1), CountingTo5(first, warnAt: 2), CancellationToken.None);
        var retried = SlurmWorker.ResumeAfterWarning(stopped, Counter(1), first.Warned);

        Assert.Equal(BuildStatus.Failed, stopped.Status);
        Assert.StartsWith("stopped when asked to checkpoint (SIGUSR1); what it saved is in .databuild/checkpoints/Count/n=5", stopped.Message);
        Assert.Equal(BuildStatus.TimedOut, retried.Status);
        Assert.Equal(TimeSpan.FromMinutes(1), retried.Retry?.Walltime);

        var second = new SignalRelay();
        var done = new NodeRunner(_files, PosixProcessRunner.Instance, SystemClock.Instance, signals: second)
            .Run(Counter(2), CountingTo5(second, warnAt: null), CancellationToken.None);

        Assert.True(done.Succeeded, done.Message);
        Assert.Equal(["step 1 on attempt 1", "step 2 on attempt 1", "step 3 on attempt 2", "step 4 on attempt 2", "step 5 on attempt 2"],
            File.ReadAllLines(_dir.File("out/count.txt")));
        Assert.False(Directory.Exists(_dir.File(".databuild/checkpoints/Count/n=5")), "the checkpoint is removed once the node succeeds");
    }

    [Fact]
    public void A_CSharp_step_started_after_the_warning_is_asked_to_checkpoint_at_once()
    {
        var relay = new SignalRelay();
        relay.Send(SignalRelay.Usr1);

        var result = new NodeRunner(_files, PosixProcessRunner.Instance, SystemClock.Instance, signals: relay)
            .Run(Counter(1), CountingTo5(relay, warnAt: null), CancellationToken.None);

        Assert.StartsWith("stopped when asked to checkpoint", result.Message);
        Assert.False(File.Exists(_dir.File(".databuild/checkpoints/Count/n=5/steps.log")));
    }
}

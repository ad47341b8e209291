using DataBuild.Graph;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>A node's checkpoint directory outlives failed attempts and builds, and goes once the node succeeds.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>Counts one step per attempt in its checkpoint and finishes at the third step: each attempt resumes the count.</summary>
    private sealed class Counting(int retries) : Pipeline
    {
        Target Train => _ => _
            .PartitionedBy("model", ["a"])
            .Retries(retries)
            .Output("models/{model}.txt")
            .Executes(ctx =>
            {
                var log = Path.Combine(ctx.CheckpointDirectory, "steps.log");
                var steps = File.Exists(log) ? File.ReadAllLines(log).Length : 0;
                File.AppendAllText(log, $"step {steps + 1} attempt {ctx.Attempt}\n");
                if (steps + 1 < 3) throw new TaskFailedException($"stopped at step {steps + 1}");
                File.WriteAllText(ctx.Output(), $"trained in {steps + 1} steps");
            }, version: "1");
    }

    [Fact]
    public async Task Attempts_and_builds_resume_from_the_checkpoint_which_is_removed_once_the_node_succeeds()
    {
        using var dir = new TempDirectory();
        var files = new DataBuild.IO.RealFileSystem(dir.Path);
        var workspace = _ws.Workspace with { FileSystem = files };
        using var state = DataBuild.State.StateStore.Open(":memory:");
        async Task<BuildOutcome> Build(int retries)
        {
            using var executor = new DataBuild.Execution.LocalExecutor(new DataBuild.Execution.NodeRunner(files, _ws.Processes, _ws.Clock), 1, 1 << 20, 0);
            return await new BuildSession(PipelineModel.Load(new Counting(retries)), workspace, state, executor, SilentReporter.Instance,
                new BuildOptions()).RunAsync(CancellationToken.None);
        }
        var checkpoint = Path.Combine(dir.Path, ".databuild/checkpoints/Train/model=a");

        var first = await Build(retries: 1);   // steps 1 and 2, then gives up
        Assert.Equal(NodeState.Failed, first.Node("Train[model=a]").State);
        Assert.Equal(["step 1 attempt 1", "step 2 attempt 2"], File.ReadAllLines(Path.Combine(checkpoint, "steps.log")));

        var second = await Build(retries: 0);  // a new build resumes at step 3
        Assert.True(second.Succeeded);
        Assert.Equal("trained in 3 steps", File.ReadAllText(Path.Combine(dir.Path, "models/a.txt")));
        Assert.False(Directory.Exists(checkpoint));
    }

    private sealed class ArgvCheckpoint : Pipeline
    {
        Target Fit => _ => _.Output("fit.txt").Executes("write", "{out}", "{checkpoint}");
    }

    [Fact]
    public async Task An_argv_task_gets_its_checkpoint_directory_created_and_the_path_never_enters_the_key()
    {
        var outcome = await _ws.Build(new ArgvCheckpoint());

        Assert.True(outcome.Succeeded);
        var argv = Assert.Single(_ws.Processes.Runs);
        Assert.EndsWith(".databuild/checkpoints/Fit/" + PartitionKey.None.FileName, argv[2]);
        var elsewhere = await new BuildSession(PipelineModel.Load(new ArgvCheckpoint()), _ws.Workspace with { StateDirectory = ".state-elsewhere" }, _ws.State,
            null, SilentReporter.Instance, new BuildOptions { Plan = true }).RunAsync(CancellationToken.None);
        Assert.Equal(NodeState.UpToDate, elsewhere.Node("Fit").State); // checkpoints kept elsewhere: same key
    }

    /// <summary>Answers the first two attempts of every node as preempted, then runs it: what a busy cluster does.</summary>
    private sealed class Preempting(DataBuild.Execution.IExecutor inner) : DataBuild.Execution.IExecutor
    {
        private readonly List<DataBuild.Execution.RunResult> _preempted = [];
        public string Name => inner.Name;
        public int Running => inner.Running + _preempted.Count;
        public bool CanStart(Invocation invocation) => inner.CanStart(invocation);

        public void Start(Invocation invocation, TaskSpec task)
        {
            if (invocation.Interruptions < 2)
                _preempted.Add(new DataBuild.Execution.RunResult
                {
                    Node = invocation.Node, Status = DataBuild.State.BuildStatus.Failed, Message = "PREEMPTED", InterruptedBy = "preempted",
                    Retry = new DataBuild.Execution.ResourceRetry(invocation.MemoryMb, invocation.Walltime),
                });
            else inner.Start(invocation, task);
        }

        public void Flush() => inner.Flush();

        public async Task<IReadOnlyList<DataBuild.Execution.RunResult>> WaitAsync(CancellationToken cancellation)
        {
            if (_preempted.Count == 0) return await inner.WaitAsync(cancellation);
            var results = _preempted.ToList();
            _preempted.Clear();
            return results;
        }

        public void CancelAll() => inner.CancelAll();
        public void Dispose() => inner.Dispose();
    }

    private sealed class NoRetries : Pipeline
    {
        Target Fit => _ => _.Output("fit.txt").Executes("write", "{out}", "{checkpoint}");
    }

    [Fact]
    public async Task Preemptions_do_not_use_up_the_targets_retries_and_the_build_record_says_preempted_2x_resumed_from_checkpoint()
    {
        using var executor = new Preempting(new DataBuild.Execution.LocalExecutor(new DataBuild.Execution.NodeRunner(_ws.Files, _ws.Processes, _ws.Clock), 1, 1 << 20, 0));

        var outcome = await new BuildSession(PipelineModel.Load(new NoRetries()), _ws.Workspace, _ws.State, executor, SilentReporter.Instance,
            new BuildOptions()).RunAsync(CancellationToken.None);

        Assert.True(outcome.Succeeded);
        var history = _ws.State.History("Fit");
        Assert.Equal(3, history.Count);
        Assert.Equal("preempted 2x, resumed from checkpoint", history.Single(b => b.Status == DataBuild.State.BuildStatus.Succeeded).Message);
    }

    [Fact]
    public async Task Status_reads_from_the_runs_progress_file_that_a_node_was_preempted_2x_and_resumed_from_checkpoint()
    {
        using var executor = new Preempting(new DataBuild.Execution.LocalExecutor(new DataBuild.Execution.NodeRunner(_ws.Files, _ws.Processes, _ws.Clock), 1, 1 << 20, 0));

        await new BuildSession(PipelineModel.Load(new NoRetries()), _ws.Workspace, _ws.State, executor, SilentReporter.Instance,
            new BuildOptions()).RunAsync(CancellationToken.None);

        var progress = DataBuild.Cli.LiveStatus.Newest(_ws.Workspace) ?? throw new Xunit.Sdk.XunitException("the run wrote no progress file");
        Assert.Equal("Interrupted by the cluster (1):\n  Fit: preempted 2x, resumed from checkpoint\n", DataBuild.Cli.LiveStatus.Interrupted(progress));
        Assert.Contains("Interrupted by the cluster (1):\n  Fit: preempted 2x, resumed from checkpoint\n", DataBuild.Cli.LiveStatus.Format(progress, _ws.Clock.UtcNow));
    }

    [Fact]
    public async Task A_run_the_cluster_never_interrupted_shows_no_interruptions()
    {
        var outcome = await _ws.Build(new NoRetries());

        Assert.True(outcome.Succeeded);
        Assert.Equal("", DataBuild.Cli.LiveStatus.Interrupted(DataBuild.Cli.LiveStatus.Newest(_ws.Workspace)!.Value));
    }
}

using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.State;

namespace DataBuild.Targets.Tests.Support;

/// <summary>A workspace on fakes (in-memory files, fake processes and clock, in-memory state) that builds pipelines.</summary>
internal sealed class TestWorkspace : IDisposable
{
    public TestWorkspace()
    {
        Processes = new FakeProcessRunner(Files);
        Workspace = new Workspace { FileSystem = Files, Clock = Clock, Processes = Processes, Environment = new Dictionary<string, string?>(),
            Containers = Container.AsEngines() };
    }

    public InMemoryFileSystem Files { get; } = new();
    public FakeClock Clock { get; private set; } = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public FakeProcessRunner Processes { get; }
    public FakeContainerEngine Container { get; } = new();
    public StateStore State { get; } = StateStore.Open(":memory:");
    public Workspace Workspace { get; private set; }

    /// <summary>Sets the clock of the builds from now on (the in-memory files keep their own timestamps).</summary>
    public void SetClock(DateTimeOffset at)
    {
        Clock = new FakeClock(at);
        Workspace = Workspace with { Clock = Clock };
    }

    public Task<BuildOutcome> Build(Pipeline pipeline, params string[] selectors) =>
        Build(PipelineModel.Load(pipeline), new BuildOptions { Selectors = selectors.Select(NodeSelector.Parse).ToList() });

    public Task<BuildOutcome> Plan(Pipeline pipeline, params string[] selectors) =>
        Build(PipelineModel.Load(pipeline), new BuildOptions { Selectors = selectors.Select(NodeSelector.Parse).ToList(), Plan = true });

    public async Task<BuildOutcome> Build(PipelineModel model, BuildOptions options, int cores = 4)
    {
        Workspace.Containers.Forget(); // each build resolves images anew, as each ./build.sh does

        using var executor = options.Plan ? null : new LocalExecutor(new NodeRunner(Files, Processes, Clock, Workspace.Containers), cores, memoryMb: 1 << 20, gpus: 0);
        return await new BuildSession(model, Workspace, State, executor, SilentReporter.Instance, options).RunAsync(CancellationToken.None);
    }

    public void Dispose() => State.Dispose();
}

internal static class OutcomeExtensions
{
    public static string[] Named(this BuildOutcome outcome, NodeState state) =>
        outcome.Nodes.Where(n => n.State == state).Select(n => n.Name).Order(StringComparer.Ordinal).ToArray();

    public static string[] BuiltNodes(this BuildOutcome outcome) => outcome.Named(NodeState.Built);

    public static Node Node(this BuildOutcome outcome, string name) =>
        outcome.Nodes.SingleOrDefault(n => n.Name == name) ?? throw new KeyNotFoundException($"No node {name}; nodes: {string.Join(", ", outcome.Nodes.Select(n => n.Name))}");
}

using DataBuild.Cli;
using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.Targets.Tests.Support;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.Containers;

/// <summary>The container runtime chosen in the cluster profile: precedence, the model the build keys, and the up-to-date snapshot.</summary>
public sealed class ProfileContainerRuntimeTests
{
    private const string PodmanId = "sha256:aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
    private const string DockerId = "sha256:bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";

    private sealed class Boxed : Pipeline
    {
        Target Diff => _ => _.Container("localhost/phrosty:1").Output("diff.txt").Executes("write", "{out}", "diff");

        Target Pinned => _ => _.Container("localhost/phrosty:1", ContainerRuntime.Apptainer).Output("pinned.txt").Executes("write", "{out}", "pinned");

        Target Host => _ => _.Output("host.txt").Executes("write", "{out}", "host");
    }

    private static SchedulerProfile Profile(string yaml) => ClusterProfile.Parse(yaml, "databuild.yaml", ["Diff", "Pinned", "Host"]);

    [Fact]
    public void The_profile_default_runtime_applies_where_the_DSL_says_auto_and_a_target_entry_or_set_overrides_the_DSL()
    {
        var profile = Profile("""
            defaults:
              container-runtime: docker
            targets:
              Pinned:
                container-runtime: podman-hpc
            """);

        Assert.Equal(ContainerRuntime.Docker, profile.ContainerRuntimeOf("Diff", ContainerRuntime.Auto));
        Assert.Equal(ContainerRuntime.PodmanHpc, profile.ContainerRuntimeOf("Pinned", ContainerRuntime.Apptainer));
        Assert.Equal(ContainerRuntime.Apptainer, Profile("defaults:\n  container-runtime: docker\n").ContainerRuntimeOf("Pinned", ContainerRuntime.Apptainer));
        var set = profile with { CommandLine = ClusterProfile.ParseSets(["Pinned.container-runtime=podman"], ["Diff", "Pinned", "Host"]) };
        Assert.Equal(ContainerRuntime.Podman, set.ContainerRuntimeOf("Pinned", ContainerRuntime.Apptainer));
        Assert.Equal(ContainerRuntime.Auto, SchedulerProfile.Empty.ContainerRuntimeOf("Diff", ContainerRuntime.Auto));
    }

    [Fact]
    public void An_unknown_runtime_in_the_profile_names_the_line_and_the_near_name()
    {
        var error = Assert.Throws<UsageException>(() => Profile("defaults:\n  container-runtime: podmn\n")).Message;

        Assert.StartsWith("databuild.yaml:2", error);
        Assert.Contains("container-runtime", error);
        Assert.Contains("podman", error);
    }

    [Fact]
    public void The_model_a_build_keys_runs_each_container_with_the_profiles_runtime_and_leaves_host_targets_alone()
    {
        var model = PipelineModel.Load(new Boxed());
        var profile = Profile("defaults:\n  container-runtime: docker\n");

        var moved = model.WithContainerRuntimes(t => profile.ContainerRuntimeOf(t.Name, t.Container!.Runtime));

        Assert.Equal(ContainerRuntime.Docker, moved.Get("Diff").Container!.Runtime);
        Assert.Equal(ContainerRuntime.Docker, ((ContainerSpec)moved.Get("Diff").Inputs.Single(i => i.Kind == InputKind.Container).Value!(PartitionKey.None)!).Runtime);
        Assert.Equal(ContainerRuntime.Apptainer, moved.Get("Pinned").Container!.Runtime);
        Assert.Same(model.Get("Host"), moved.Get("Host"));
        Assert.Equal(ContainerRuntime.Auto, model.Get("Diff").Container!.Runtime); // the declared model is unchanged
        Assert.Same(model, model.WithContainerRuntimes(t => t.Container!.Runtime));
    }

    [Fact]
    public async Task Changing_the_runtime_in_the_profile_is_seen_by_the_up_to_date_snapshot_and_the_task_key()
    {
        using var w = new TestWorkspace();
        var podman = new FakeContainerEngine(ContainerRuntime.Podman);
        var docker = new FakeContainerEngine(ContainerRuntime.Docker);
        podman.Images["localhost/phrosty:1"] = PodmanId;
        docker.Images["localhost/phrosty:1"] = DockerId;
        var workspace = w.Workspace with { Containers = new ContainerEngines(k => k == ContainerRuntime.Docker ? docker : podman, _ => true) };
        PipelineModel With(string runtime)
        {
            var profile = Profile($"defaults:\n  container-runtime: {runtime}\n");
            return PipelineModel.Load(new Boxed()).WithContainerRuntimes(t => profile.ContainerRuntimeOf(t.Name, t.Container!.Runtime));
        }
        string[] arguments = ["Diff"];
        using (var executor = new LocalExecutor(new NodeRunner(w.Files, w.Processes, w.Clock, workspace.Containers), 1, 1 << 20, 0))
        {
            var outcome = await new BuildSession(With("podman"), workspace, w.State, executor, SilentReporter.Instance,
                new BuildOptions { Selectors = [NodeSelector.Parse("Diff")] }).RunAsync(CancellationToken.None);
            Assert.True(outcome.Succeeded);
            Assert.Single(podman.Runs);
        }
        // A second build of the same command finds it up to date: that build's snapshot is what the next command asks.
        w.Clock.Advance(TimeSpan.FromMinutes(1)); // the output is older than the next build's start by more than a timestamp tick
        var witnessing = new WitnessingFileSystem(w.Files);
        var started = w.Clock.UtcNow;
        using (var executor = new LocalExecutor(new NodeRunner(w.Files, w.Processes, w.Clock, workspace.Containers), 1, 1 << 20, 0))
        {
            workspace.Containers.Forget();
            var again = await new BuildSession(With("podman"), workspace with { FileSystem = witnessing }, w.State, executor, SilentReporter.Instance,
                new BuildOptions { Selectors = [NodeSelector.Parse("Diff")] }).RunAsync(CancellationToken.None);
            Assert.Empty(again.BuiltNodes());
            Assert.Null(UpToDateSnapshot.Save(workspace, arguments, again.Succeeded, again.Nodes, again.Targets, witnessing.Witnesses(), started, again.RunId, []));
        }

        workspace.Containers.Forget();
        Assert.NotNull(UpToDateSnapshot.TryLoad(With("podman"), workspace, arguments, [NodeSelector.Parse("Diff")]));
        workspace.Containers.Forget();
        Assert.Null(UpToDateSnapshot.TryLoad(With("docker"), workspace, arguments, [NodeSelector.Parse("Diff")]));

        workspace.Containers.Forget();
        using var rebuild = new LocalExecutor(new NodeRunner(w.Files, w.Processes, w.Clock, workspace.Containers), 1, 1 << 20, 0);
        var moved = await new BuildSession(With("docker"), workspace, w.State, rebuild, SilentReporter.Instance,
            new BuildOptions { Selectors = [NodeSelector.Parse("Diff")] }).RunAsync(CancellationToken.None);
        Assert.Equal(["Diff"], moved.BuiltNodes());
        Assert.Equal(new ContainerChanged("localhost/phrosty:1", "sha256:aaaaaaaaaaaa", "sha256:bbbbbbbbbbbb"), Assert.Single(moved.ReasonsOf(moved.Node("Diff"))));
        Assert.Single(docker.Runs);
    }
}

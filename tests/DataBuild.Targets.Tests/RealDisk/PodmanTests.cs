using DataBuild.Cli;
using DataBuild.Execution;
using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Scheduling;
using DataBuild.State;
using DataBuild.Targets.Tests.Support;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.RealDisk;

/// <summary>Tasks in real podman containers (tests/containers/setup.sh prepares podman and a busybox image).</summary>
public sealed class PodmanTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _movingTag = $"localhost/databuild-test-moving-{Guid.NewGuid().ToString("N")[..8]}:1";

    public PodmanTests() => _ = Podman.ContainersConf;

    public void Dispose()
    {
        try { Podman.Run("rmi", "--force", _movingTag); }
        catch (InvalidOperationException) { } // never tagged: nothing to remove
        _dir.Dispose();
    }

    // Integer arithmetic only, so busybox awk in the image and the host's awk write the same bytes.
    private const string Script = """
        set -eu
        awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; print NR, s, $1 - $NF }' "$1" | sort -k2,2n -k1,1n > "$2"
        echo "written in scratch" > "$3/note"; cat "$3/note" >> "$2"
        """;

    private sealed class Steps(string image) : Pipeline
    {
        Target OnHost => _ => _.Input("script", "step.sh").Input("grid", "grid.txt").Output("host/sums.txt")
            .Executes("sh", "{in:script}", "{in:grid}", "{out}", "{tmp}");

        Target InContainer => _ => _.Input("script", "step.sh").Input("grid", "grid.txt").Container(image, ContainerRuntime.Podman).Output("container/sums.txt")
            .Executes("sh", "{in:script}", "{in:grid}", "{out}", "{tmp}");

        Target Steady => _ => _.Input("grid", "grid.txt").Container(Podman.BusyboxImage, ContainerRuntime.Podman).Output("steady.txt")
            .Executes("cp", "{in:grid}", "{out}");
    }

    private async Task<BuildOutcome> Build(Pipeline pipeline, bool plan = false, params string[] targets)
    {
        var workspace = Workspace.OnDisk(_dir.Path);
        var model = PipelineModel.Load(pipeline);
        Commands.RequireContainers(model, workspace);
        using var state = StateStore.Open(workspace.StatePath);
        using var executor = plan ? null : new LocalExecutor(new NodeRunner(workspace.FileSystem, workspace.Processes, workspace.Clock, workspace.Containers), 2, 1 << 20, 0);
        var options = new BuildOptions { Selectors = targets.Select(NodeSelector.Parse).ToList(), Plan = plan };
        return await new BuildSession(model, workspace, state, executor, SilentReporter.Instance, options).RunAsync(CancellationToken.None);
    }

    private void Inputs()
    {
        File.WriteAllText(_dir.File("step.sh"), Script);
        File.WriteAllText(_dir.File("grid.txt"), "3 1 4 1 5\n9 2 6 5 3\n5 8 9 7 9\n3 2 3 8 4\n");
        Directory.CreateDirectory(_dir.File("host"));
    }

    [Fact]
    public async Task A_step_in_a_container_writes_the_same_bytes_as_the_same_step_on_the_host()
    {
        Inputs();

        var outcome = await Build(new Steps(Podman.BusyboxImage), false, "OnHost", "InContainer");

        Assert.Equal(["InContainer", "OnHost"], outcome.BuiltNodes());
        var host = File.ReadAllBytes(_dir.File("host/sums.txt"));
        Assert.Equal(host, File.ReadAllBytes(_dir.File("container/sums.txt")));
        Assert.Equal("1 14 -2\n4 20 -1\n2 25 6\n3 38 -4\nwritten in scratch\n", File.ReadAllText(_dir.File("container/sums.txt")));
        Assert.All(Directory.GetDirectories(_dir.File(".databuild/tmp")), run => Assert.Empty(Directory.GetFileSystemEntries(run))); // scratch removed after each task
        var log = File.ReadAllText(_dir.File(".databuild/logs/InContainer/_.log"));
        Assert.Contains($"== in container: podman run --rm --network none -v {_dir.Path}:{_dir.Path}:ro -v {_dir.Path}/.databuild/staging/", log);
    }

    [Fact]
    public async Task A_task_cannot_write_into_the_workspace_outside_its_outputs()
    {
        File.WriteAllText(_dir.File("grid.txt"), "1\n");

        var outcome = await Build(new StrayWriter(), false, "Stray");

        Assert.Equal(NodeState.Failed, outcome.Node("Stray").State);
        Assert.False(File.Exists(_dir.File("stray.txt")));
        Assert.Contains("Read-only file system", File.ReadAllText(_dir.File(".databuild/logs/Stray/_.log")));
    }

    private sealed class StrayWriter : Pipeline
    {
        Target Stray => _ => _.Input("grid", "grid.txt").Container(Podman.BusyboxImage, ContainerRuntime.Podman).Output("stray-out.txt")
            .Executes("cp", "{in:grid}", "stray.txt");
    }

    [Fact]
    public async Task Reimporting_another_image_under_the_same_tag_rebuilds_exactly_the_target_in_it_saying_the_container_changed()
    {
        Inputs();
        Podman.ImportBusybox(_movingTag, "first");
        var before = Podman.ImageId(_movingTag);
        await Build(new Steps(_movingTag), false, "InContainer", "Steady");

        Podman.ImportBusybox(_movingTag, "second");
        var after = Podman.ImageId(_movingTag);
        var plan = await Build(new Steps(_movingTag), true, "InContainer", "Steady");
        var rebuild = await Build(new Steps(_movingTag), false, "InContainer", "Steady");

        Assert.NotEqual(before, after);
        Assert.Equal([new ContainerChanged(_movingTag, before[..19], after[..19])], plan.ReasonsOf(plan.Node("InContainer")));
        Assert.Equal(["InContainer"], rebuild.BuiltNodes());
    }

    [Fact]
    public void A_missing_image_stops_the_build_naming_the_command_that_gets_it()
    {
        var model = PipelineModel.Load(new Steps("localhost/databuild-test-absent:1"));

        var error = Assert.Throws<UsageException>(() => Commands.RequireContainers(model, Workspace.OnDisk(_dir.Path)));

        Assert.Equal("Container image localhost/databuild-test-absent:1 not found by podman (needed by InContainer). Get it with: podman pull localhost/databuild-test-absent:1 (or build or import it under that name).\nNothing was run.", error.Message);
    }
}

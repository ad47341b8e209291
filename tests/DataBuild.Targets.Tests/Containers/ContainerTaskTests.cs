using DataBuild.Cli;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Targets.Tests.Support;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.Containers;

/// <summary>Targets in containers, on a fake runtime: what the engine hands the runtime, and the image id in the key.</summary>
public sealed class ContainerTaskTests : IDisposable
{
    private const string IdA = "sha256:aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
    private const string IdB = "sha256:bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private sealed class Subtract : Pipeline
    {
        Target Science => _ => _.PartitionedBy("obj", [1, 2]).Output("sci/{obj}.txt").Executes("write", "{out}", "science");

        Target Difference => _ => _.PartitionedBy("obj", [1, 2]).DependsOn(Science).Container("localhost/phrosty:1").Secret("TOKEN").Environment("SURVEY")
            .Output("diff/{obj}.txt").Executes("cp", "{deps:Science}", "{out}");

        Target Summary => _ => _.DependsOn(Difference).Container("localhost/phrosty:1").Network().Output("summary.txt").Executes("cat", "{out}", "{deps:Difference}");

        Target Other => _ => _.Container("localhost/other:2").Output("other.txt").Executes("write", "{out}", "other");

        Target Resumable => _ => _.Container("localhost/other:2").Output("trained.txt").Executes("train", "{checkpoint}", "{out}");
    }

    private Dictionary<string, string?> Environment => (Dictionary<string, string?>)_ws.Workspace.Environment;

    private void Images(string phrosty)
    {
        _ws.Container.Images["localhost/phrosty:1"] = phrosty;
        _ws.Container.Images["localhost/other:2"] = IdA;
    }

    [Fact]
    public async Task A_moved_tag_rebuilds_exactly_the_targets_in_that_image_and_says_the_container_changed()
    {
        Environment["TOKEN"] = "t";
        Images(IdA);
        await _ws.Build(new Subtract(), "Summary", "Other");

        Images(IdB);
        var second = await _ws.Build(new Subtract(), "Summary", "Other");

        Assert.Equal(["Difference[obj=1]", "Difference[obj=2]", "Summary"], second.BuiltNodes());
        var expected = new ContainerChanged("localhost/phrosty:1", "sha256:aaaaaaaaaaaa", "sha256:bbbbbbbbbbbb");
        Assert.Equal([expected], second.ReasonsOf(second.Node("Difference[obj=1]")));
        Assert.Equal("container changed: localhost/phrosty:1 (sha256:aaaaaaaaaaaa -> sha256:bbbbbbbbbbbb)", expected.Describe());
    }

    [Fact]
    public async Task Each_image_is_resolved_once_per_build_however_many_nodes_run_in_it()
    {
        Environment["TOKEN"] = "t";
        Images(IdA);

        await _ws.Build(new Subtract(), "Summary", "Other");

        Assert.Equal(2, _ws.Container.Lookups);
    }

    [Fact]
    public async Task The_runtime_gets_the_argv_the_workspace_read_only_staging_writable_and_declared_variables_by_name()
    {
        Environment["TOKEN"] = "secret-value-9";
        Environment["SURVEY"] = "roman";
        Images(IdA);

        await _ws.Build(new Subtract(), "Difference[obj=1]");

        var run = Assert.Single(_ws.Container.Runs);
        var root = _ws.Files.FullPath(".");
        Assert.Equal("localhost/phrosty:1", run.Image);
        Assert.Equal(root, run.WorkingDirectory);
        Assert.Equal("cp", run.Argv[0]);
        Assert.Equal("sci/1.txt", run.Argv[1]);
        Assert.Equal(new ContainerMount(root, root, ReadOnly: true), run.Mounts[0]);
        Assert.Contains(run.Mounts, m => !m.ReadOnly && m.Source.Contains(".databuild/staging/", StringComparison.Ordinal) && m.Target == m.Source);
        Assert.Equal(["TOKEN", "SURVEY"], run.PassEnvironment);
        Assert.DoesNotContain(run.Argv, a => a.Contains("secret-value-9", StringComparison.Ordinal));
        Assert.False(run.Network);
        Assert.Equal("1", run.Environment["OMP_NUM_THREADS"]);
        Assert.Equal("1", run.Environment["OPENBLAS_NUM_THREADS"]);
    }

    [Fact]
    public async Task A_task_that_keeps_a_checkpoint_gets_its_checkpoint_directory_writable_at_the_same_path()
    {
        Images(IdA);

        await _ws.Build(new Subtract(), "Resumable");

        var run = Assert.Single(_ws.Container.Runs);
        var checkpoint = run.Argv[1];
        Assert.Contains(".databuild/checkpoints/Resumable/", checkpoint, StringComparison.Ordinal);
        Assert.Contains(new ContainerMount(checkpoint, checkpoint, ReadOnly: false), run.Mounts);
    }

    [Fact]
    public async Task A_target_declaring_network_gets_it()
    {
        Environment["TOKEN"] = "t";
        Images(IdA);

        await _ws.Build(new Subtract(), "Summary");

        Assert.True(Assert.Single(_ws.Container.Runs, r => r.Argv[0] == "cat").Network);
    }

    [Fact]
    public void A_missing_image_stops_the_build_before_any_task_runs_naming_the_pull_command()
    {
        _ws.Container.Images["localhost/other:2"] = IdA;
        var model = PipelineModel.Load(new Subtract());

        var error = Assert.Throws<UsageException>(() => Commands.RequireContainers(model, _ws.Workspace));

        Assert.Equal("Container image localhost/phrosty:1 not found by fake-podman (needed by Difference, Summary). Get it with: fake-podman pull localhost/phrosty:1 (or build or import it under that name).\nNothing was run.", error.Message);
        Assert.Empty(_ws.Processes.Runs);
    }

    [Fact]
    public void A_missing_runtime_stops_the_build_naming_the_program_to_install()
    {
        var workspace = _ws.Workspace with { Containers = new ContainerEngines(_ => _ws.Container, _ => false) };
        var model = PipelineModel.Load(new Subtract());

        var error = Assert.Throws<UsageException>(() => Commands.RequireContainers(model, workspace));

        Assert.StartsWith("No container runtime found on PATH for image localhost/phrosty:1 (looked for podman-hpc, podman, docker).", error.Message);
    }

    private sealed class CSharpInContainer : Pipeline
    {
        Target Step => _ => _.Container("localhost/phrosty:1").Output("x.txt").Executes(ctx => File.WriteAllText(ctx.Output(), "x"), "1");
    }

    [Fact]
    public void A_csharp_step_in_a_container_is_a_definition_error_that_says_to_run_a_command()
    {
        var error = Assert.Throws<PipelineDefinitionException>(() => PipelineModel.Load(new CSharpInContainer()));

        Assert.StartsWith("Target Step runs C# code, which runs in the engine's process and cannot run in container localhost/phrosty:1.", error.Message);
    }

    private sealed class Resources : Pipeline
    {
        public long Memory = 2000;

        Target Fit => _ => _.Cores(4).MemoryMb(_ => Memory).Gpus(1).Environment("OMP_NUM_THREADS")
            .Output("fit.txt").Executes("write", "{out}", "cores={cores} mem={mem} gpus={gpus} tmp={tmp}");
    }

    [Fact]
    public async Task Resource_placeholders_expand_when_run_but_a_changed_memory_estimate_rebuilds_nothing()
    {
        var first = await _ws.Build(new Resources());
        var second = await _ws.Build(new Resources { Memory = 4000 });

        var text = _ws.Files.ReadAllText("fit.txt");
        var tmp = _ws.Files.FullPath(".databuild/tmp") + "/";
        Assert.Matches($"^cores=4 mem=2000 gpus=1 tmp={System.Text.RegularExpressions.Regex.Escape(tmp)}1/[0-9a-f]+$", text);
        Assert.Equal(["Fit"], first.BuiltNodes());
        Assert.Empty(second.BuiltNodes());
        Assert.Null(_ws.Files.Stat(text[(text.IndexOf("tmp=", StringComparison.Ordinal) + 4)..])); // scratch removed after the task
        var spec = Assert.Single(_ws.Processes.Specs);
        Assert.False(spec.Environment!.ContainsKey("OMP_NUM_THREADS")); // declared by the target: its value is the user's
        Assert.Equal("4", spec.Environment["MKL_NUM_THREADS"]);
        Assert.False(spec.Environment.ContainsKey(Gpu.VisibleDevices)); // asked for a GPU on a machine without: runs on the CPU
    }
}

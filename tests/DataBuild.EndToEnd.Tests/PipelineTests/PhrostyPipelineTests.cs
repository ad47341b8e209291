using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.PipelineTests;

/// <summary>
/// The phrosty-shaped example in real podman containers through ./build.sh (tests/containers/setup.sh prepares podman
/// and the busybox image; a missing prerequisite fails these tests).
/// </summary>
public sealed class PhrostyPipelineTests : IDisposable
{
    private readonly string _tag = $"localhost/databuild-test-phrosty-{Guid.NewGuid().ToString("N")[..8]}:1";

    public PhrostyPipelineTests() => _ = Podman.ContainersConf;

    public void Dispose()
    {
        try { Podman.Run("rmi", "--force", _tag); }
        catch (InvalidOperationException) { } // never made
    }

    internal const string Summary = """
        # object epochs peak_flux peak_mjd
        20172782 4 120 61015
        20202893 4 132 61010
        35689198 4 134 61015

        """;

    [Fact]
    public async Task The_example_runs_in_podman_reruns_to_nothing_and_a_moved_image_tag_rebuilds_only_the_steps_in_it()
    {
        using var ws = new PipelineWorkspace();
        Podman.ImportBusybox(_tag, "first");

        var first = await ws.Build("PhrostySummary", "--phrosty-image", _tag);
        var rerun = await ws.Build("PhrostySummary", "--phrosty-image", _tag);
        var before = Podman.ImageId(_tag);
        Podman.ImportBusybox(_tag, "second");
        var plan = await ws.Build("PhrostySummary", "--phrosty-image", _tag, "--plan");
        var moved = await ws.Build("PhrostySummary", "--phrosty-image", _tag);

        Assert.True(first.ExitCode == 0, first.Output + first.Stderr);
        Assert.Equal(20, first.Built.Count);
        Assert.Equal(Summary, File.ReadAllText(ws.File("out/phrosty/summary.txt")));
        Assert.Equal("# epoch mjd flux\n1 61005 26\n2 61010 73\n3 61015 120\n4 61020 73\n", File.ReadAllText(ws.File("out/phrosty/20172782/lightcurve.txt")));
        Assert.Contains("in container: podman run --rm --network none", File.ReadAllText(ws.File(".databuild/logs/PhrostyDifference/object=20172782,epoch=1.log")));
        Assert.Equal(0, rerun.ExitCode);
        Assert.Contains("Nothing to do", rerun.Output);
        Assert.Contains($"container changed: {_tag} ({before[..19]} -> {Podman.ImageId(_tag)[..19]})", plan.Output);
        Assert.True(moved.ExitCode == 0, moved.Output + moved.Stderr);
        Assert.Equal(16, moved.Built.Count);
        Assert.DoesNotContain(moved.Built, n => n.StartsWith("PhrostyFixtures", StringComparison.Ordinal) || n == "PhrostyTools");
        Assert.Equal(Summary, File.ReadAllText(ws.File("out/phrosty/summary.txt")));
    }

    [Fact]
    public async Task A_missing_image_exits_2_before_any_task_runs_naming_the_pull_command()
    {
        using var ws = new PipelineWorkspace();

        var run = await ws.Build("PhrostySummary", "--phrosty-image", "localhost/databuild-test-absent:1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Container image localhost/databuild-test-absent:1 not found by podman (needed by PhrostyDifference, PhrostyLightCurves, PhrostySummary). Get it with: podman pull localhost/databuild-test-absent:1", run.Stderr);
        Assert.False(Directory.Exists(ws.File("data")), "no task ran, not even the host's fixtures");
        Assert.Empty(run.Built);
    }
}

/// <summary>The same example on the test Slurm cluster: the worker on the node wraps each task the same way.</summary>
[Collection(SlurmCluster.Name)]
public sealed class PhrostyOnSlurmTests
{
    public PhrostyOnSlurmTests(SlurmCluster cluster)
    {
        cluster.EnsureUp();
        _ = Podman.ContainersConf;
    }

    [Fact]
    public async Task The_example_built_on_Slurm_in_containers_is_byte_identical_to_the_local_build()
    {
        using var local = new PipelineWorkspace();
        using var slurm = new PipelineWorkspace();

        var localRun = await local.Build("PhrostySummary", "--phrosty-gpus", "0");
        var slurmRun = await slurm.Build("PhrostySummary", "--phrosty-gpus", "0", "--executor", "slurm", "--poll-interval", "1", "--pack", "4");

        Assert.True(localRun.ExitCode == 0, localRun.Output + localRun.Stderr);
        Assert.True(slurmRun.ExitCode == 0, slurmRun.Output + slurmRun.Stderr);
        Assert.Contains("submitted job array", slurmRun.Output);
        Assert.Equal(PhrostyPipelineTests.Summary, File.ReadAllText(slurm.File("out/phrosty/summary.txt")));
        Assert.Equal(local.Products(), slurm.Products());
        Assert.Contains("in container: podman run", File.ReadAllText(slurm.File(".databuild/logs/PhrostyDifference/object=20172782,epoch=1.log")));
    }
}

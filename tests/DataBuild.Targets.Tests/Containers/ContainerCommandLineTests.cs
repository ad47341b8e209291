using DataBuild.IO;

namespace DataBuild.Targets.Tests.Containers;

/// <summary>The exact command line each runtime gets for the same task (podman-hpc, apptainer and docker cannot run here).</summary>
public sealed class ContainerCommandLineTests
{
    private static readonly ContainerRun Task = new()
    {
        Image = "localhost/phrosty:1",
        Argv = ["sh", "-c", "echo {x}", "out file"],
        WorkingDirectory = "/ws",
        Mounts = [new("/ws", "/ws", ReadOnly: true), new("/ws/.databuild/staging/3/ab", "/ws/.databuild/staging/3/ab", ReadOnly: false), new("/data/ref.fits", "/data/ref.fits", ReadOnly: true)],
        Environment = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "4", [Gpu.VisibleDevices] = "2,3" },
        PassEnvironment = ["TOKEN"],
        Gpus = 2,
        GpuIds = ["2", "3"],
    };

    private static readonly IProcessRunner NoProcesses = new Unused();

    private static string[] Mounts(string flag) =>
        [flag, "/ws:/ws:ro", flag, "/ws/.databuild/staging/3/ab:/ws/.databuild/staging/3/ab", flag, "/data/ref.fits:/data/ref.fits:ro"];

    [Fact]
    public void Podman_runs_without_network_with_cdi_devices_numbered_from_zero_inside()
    {
        var command = new OciContainerEngine(ContainerRuntime.Podman, NoProcesses, "/ws").Wrap(Task);

        Assert.Equal([
            "podman", "run", "--rm", "--network", "none", .. Mounts("-v"), "-w", "/ws",
            "--device", "nvidia.com/gpu=2", "--device", "nvidia.com/gpu=3",
            "--env", Gpu.VisibleDevices, "--env", "OMP_NUM_THREADS", "--env", "TOKEN",
            "localhost/phrosty:1", "sh", "-c", "echo {x}", "out file"], command.Argv);
        Assert.Equal("0,1", command.Environment[Gpu.VisibleDevices]);
        Assert.Equal("4", command.Environment["OMP_NUM_THREADS"]);
    }

    [Fact]
    public void Podman_hpc_uses_its_gpu_flag_and_keeps_the_host_device_numbers()
    {
        var command = new OciContainerEngine(ContainerRuntime.PodmanHpc, NoProcesses, "/ws").Wrap(Task with { Network = true });

        Assert.Equal([
            "podman-hpc", "run", "--rm", .. Mounts("-v"), "-w", "/ws", "--gpu",
            "--env", Gpu.VisibleDevices, "--env", "OMP_NUM_THREADS", "--env", "TOKEN",
            "localhost/phrosty:1", "sh", "-c", "echo {x}", "out file"], command.Argv);
        Assert.Equal("2,3", command.Environment[Gpu.VisibleDevices]);
    }

    [Fact]
    public void Docker_runs_as_the_user_and_without_gpus_gets_no_device_flag()
    {
        var command = new OciContainerEngine(ContainerRuntime.Docker, NoProcesses, "/ws", user: "1000:100").Wrap(Task with { Gpus = 0, GpuIds = null, Environment = new Dictionary<string, string>() });

        Assert.Equal([
            "docker", "run", "--rm", "--user", "1000:100", "--network", "none", .. Mounts("-v"), "-w", "/ws", "--env", "TOKEN",
            "localhost/phrosty:1", "sh", "-c", "echo {x}", "out file"], command.Argv);
    }

    [Fact]
    public void Podman_is_not_given_a_user_since_rootless_podman_maps_root_to_the_user()
    {
        var command = new OciContainerEngine(ContainerRuntime.Podman, NoProcesses, "/ws", user: "1000:100").Wrap(Task);

        Assert.DoesNotContain("--user", command.Argv);
    }

    [Fact]
    public void This_process_identity_is_the_one_the_kernel_reports()
    {
        var expected = $"{File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t')[1]}:" +
                       $"{File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Gid:")).Split('\t')[1]}";

        Assert.Equal(expected, PosixIdentity.UserAndGroup());
    }

    [Fact]
    public void Under_slurm_podman_asks_for_all_gpus_and_the_allocation_limits_them()
    {
        var command = new OciContainerEngine(ContainerRuntime.Podman, NoProcesses, "/ws").Wrap(Task with { GpuIds = null });

        Assert.Equal(["--device", "nvidia.com/gpu=all"], command.Argv.SkipWhile(a => a != "--device").Take(2));
        Assert.Single(command.Argv, "--device");
    }

    [Fact]
    public void Apptainer_binds_with_nv_and_passes_variables_as_apptainerenv_values_never_on_the_command_line()
    {
        var host = new Dictionary<string, string?> { ["TOKEN"] = "s3cret", ["UNRELATED"] = "x" };
        var command = new ApptainerEngine(new InMemoryFileSystem(), host).Wrap(Task with { Image = "images/phrosty.sif" });

        Assert.Equal([
            "apptainer", "exec", "--cleanenv", "--no-home", "--net", "--network", "none", .. Mounts("--bind"), "--pwd", "/ws", "--nv",
            "images/phrosty.sif", "sh", "-c", "echo {x}", "out file"], command.Argv);
        Assert.Equal(new Dictionary<string, string>
        {
            ["APPTAINERENV_TOKEN"] = "s3cret", ["APPTAINERENV_OMP_NUM_THREADS"] = "4", ["APPTAINERENV_" + Gpu.VisibleDevices] = "2,3",
        }, command.Environment);
    }

    [Fact]
    public void An_apptainer_image_is_identified_by_the_sha256_of_its_file()
    {
        var files = new InMemoryFileSystem();
        files.WriteAllText("images/phrosty.sif", "abc");
        var engine = new ApptainerEngine(files, new Dictionary<string, string?>());

        Assert.Equal("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", engine.ImageId("images/phrosty.sif"));
        Assert.Null(engine.ImageId("images/missing.sif"));
    }

    [Fact]
    public void Auto_takes_apptainer_for_a_sif_file_and_else_the_first_oci_runtime_on_path()
    {
        var engines = new ContainerEngines(kind => new FakeContainerEngine(kind), program => program is "fake-podman" or "fake-apptainer");

        Assert.Equal(ContainerRuntime.Apptainer, engines.Engine(ContainerRuntime.Auto, "x.sif").Kind);
        Assert.Equal(ContainerRuntime.Podman, engines.Engine(ContainerRuntime.Auto, "localhost/x:1").Kind);
        var error = Assert.Throws<ContainerException>(() => engines.Engine(ContainerRuntime.Docker, "localhost/x:1"));
        Assert.Equal("Container runtime fake-docker is not installed (not found on PATH); image localhost/x:1 needs it. Install fake-docker, or name another runtime in .Container(image, runtime) or as container-runtime in the cluster profile.", error.Message);
    }

    [Fact]
    public void Nvidia_smi_listing_gives_the_gpu_indices()
    {
        const string listing = "GPU 0: NVIDIA H200 (UUID: GPU-1a2b)\nGPU 1: NVIDIA H200 (UUID: GPU-3c4d)\n";

        Assert.Equal(["0", "1"], NvidiaSmiGpuInventory.Parse(listing));
        Assert.Equal(["4", "6"], new NvidiaSmiGpuInventory(NoProcesses, new Dictionary<string, string?> { [Gpu.VisibleDevices] = "4,6" }).Devices());
    }

    private sealed class Unused : IProcessRunner
    {
        public ProcessOutcome Run(ProcessSpec spec, CancellationToken cancellation) => throw new InvalidOperationException("no process expected");

        public string Capture(IReadOnlyList<string> argv, string workingDirectory) => throw new InvalidOperationException("no process expected");
    }
}

/// <summary>What a Slurm worker needs to wrap a task the same way travels in the array's manifest.</summary>
public sealed class ContainerManifestTests
{
    [Fact]
    public void A_manifest_line_keeps_the_container_the_scratch_directory_the_variables_and_the_gpus()
    {
        var fs = new InMemoryFileSystem();
        var files = new DataBuild.Execution.Slurm.ArrayFiles(".databuild/slurm/3/Difference-0");
        var invocation = new DataBuild.Model.Invocation
        {
            Node = "Difference[obj=1]", Target = "Difference", Partition = "obj=1", Inputs = new Dictionary<string, string[]>(), Outputs = [],
            Upstream = new Dictionary<string, DataBuild.Model.UpstreamBinding[]>(), Parameters = new Dictionary<string, string>(),
            StagingDirectory = "s", LogPath = "l", Gpus = 1,
            Container = new DataBuild.Model.ContainerInvocation("localhost/phrosty:1", ContainerRuntime.PodmanHpc, Network: true, ["TOKEN", "SURVEY"]),
            ScratchDirectory = ".databuild/tmp/3/ab", Environment = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "4" }, GpuIds = ["1"],
        };

        files.WriteManifest(fs, [invocation], pack: 1);
        var read = Assert.Single(files.ReadManifest(fs));

        Assert.Equal("localhost/phrosty:1", read.Container!.Image);
        Assert.Equal(ContainerRuntime.PodmanHpc, read.Container.Runtime);
        Assert.True(read.Container.Network);
        Assert.Equal(["TOKEN", "SURVEY"], read.Container.PassEnvironment);
        Assert.Equal(".databuild/tmp/3/ab", read.ScratchDirectory);
        Assert.Equal("4", read.Environment!["OMP_NUM_THREADS"]);
        Assert.Equal(["1"], read.GpuIds);
    }
}

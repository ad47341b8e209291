namespace DataBuild.IO;

/// <summary>
/// podman, podman-hpc and docker: one command-line shape (<c>run --rm -v src:dst[:ro] -w dir --env NAME image argv</c>),
/// differing in the program and the GPU flag. Variables are passed by name (<c>--env NAME</c> takes the value from
/// the runtime's own environment), so no value, a secret least of all, is ever on a command line.
/// </summary>
/// <param name="user">For docker, the <c>uid:gid</c> the task runs as (null: the image's user).</param>
public sealed class OciContainerEngine(ContainerRuntime kind, IProcessRunner processes, string workingDirectory, string? user = null) : IContainerEngine
{
    public ContainerRuntime Kind { get; } = kind is ContainerRuntime.Podman or ContainerRuntime.PodmanHpc or ContainerRuntime.Docker
        ? kind : throw new ArgumentException($"{kind} is not an OCI runtime.", nameof(kind));

    public string Program => Kind switch { ContainerRuntime.PodmanHpc => "podman-hpc", ContainerRuntime.Docker => "docker", _ => "podman" };

    public ContainerCommand Wrap(ContainerRun run)
    {
        var argv = new List<string> { Program, "run", "--rm" };
        // Rootful docker would write the outputs as root, which the user can then neither promote nor delete;
        // rootless podman already maps the container's root to the user.
        if (Kind == ContainerRuntime.Docker && user is not null) argv.AddRange(["--user", user]);
        if (!run.Network) argv.AddRange(["--network", "none"]);
        foreach (var m in run.Mounts) argv.AddRange(["-v", $"{m.Source}:{m.Target}{(m.ReadOnly ? ":ro" : "")}"]);
        argv.AddRange(["-w", run.WorkingDirectory]);
        var environment = new Dictionary<string, string>(run.Environment, StringComparer.Ordinal);
        if (run.Gpus > 0)
        {
            if (Kind == ContainerRuntime.PodmanHpc)
                argv.Add("--gpu"); // podman-hpc's hook exposes the node's GPUs; CUDA_VISIBLE_DEVICES (host indices) picks the task's
            else
            {
                // CDI devices: the container sees only the devices named, numbered from 0, so the task's view is 0..n-1.
                var ids = run.GpuIds;
                if (ids is null) argv.AddRange(["--device", "nvidia.com/gpu=all"]);
                else
                {
                    foreach (var id in ids) argv.AddRange(["--device", $"nvidia.com/gpu={id}"]);
                    if (environment.ContainsKey(Gpu.VisibleDevices))
                        environment[Gpu.VisibleDevices] = string.Join(",", Enumerable.Range(0, ids.Count));
                }
            }
        }
        foreach (var name in run.Environment.Keys.Concat(run.PassEnvironment).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            argv.AddRange(["--env", name]);
        argv.Add(run.Image);
        argv.AddRange(run.Argv);
        return new ContainerCommand(argv.ToArray(), environment);
    }

    public string? ImageId(string image)
    {
        string id;
        try
        {
            id = processes.Capture([Program, "image", "inspect", "--format", "{{.Id}}", image], workingDirectory).Trim();
        }
        catch (ProcessStartException)
        {
            return null; // the runtime is there (checked first): a failed inspect is an image it does not have
        }
        return id.Length == 0 ? null : id.StartsWith("sha256:", StringComparison.Ordinal) ? id : "sha256:" + id;
    }

    public string PullCommand(string image) => $"{Program} pull {image}";
}

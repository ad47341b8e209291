using System.Security.Cryptography;

namespace DataBuild.IO;

/// <summary>
/// apptainer (and singularity): <c>exec --cleanenv --no-home --bind src:dst[:ro] --pwd dir [--nv] image.sif argv</c>.
/// The image is a .sif file, identified by its SHA-256. Variables reach the container as <c>APPTAINERENV_NAME</c> in
/// apptainer's environment, which <c>--cleanenv</c> still passes, so no value is ever on a command line.
/// </summary>
public sealed class ApptainerEngine(IFileSystem fileSystem, IReadOnlyDictionary<string, string?> hostEnvironment) : IContainerEngine
{
    public ContainerRuntime Kind => ContainerRuntime.Apptainer;

    public string Program => "apptainer";

    public ContainerCommand Wrap(ContainerRun run)
    {
        var argv = new List<string> { Program, "exec", "--cleanenv", "--no-home" };
        if (!run.Network) argv.AddRange(["--net", "--network", "none"]);
        foreach (var m in run.Mounts) argv.AddRange(["--bind", $"{m.Source}:{m.Target}{(m.ReadOnly ? ":ro" : "")}"]);
        argv.AddRange(["--pwd", run.WorkingDirectory]);
        if (run.Gpus > 0) argv.Add("--nv"); // all the node's GPUs; CUDA_VISIBLE_DEVICES (host indices) picks the task's
        argv.Add(run.Image);
        argv.AddRange(run.Argv);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in run.PassEnvironment)
            if (hostEnvironment.GetValueOrDefault(name) is { } value) environment["APPTAINERENV_" + name] = value;
        foreach (var (name, value) in run.Environment) environment["APPTAINERENV_" + name] = value;
        return new ContainerCommand(argv.ToArray(), environment);
    }

    public string? ImageId(string image)
    {
        if (fileSystem.Stat(image) is not { IsDirectory: false }) return null;
        using var stream = fileSystem.OpenRead(image);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public string PullCommand(string image) =>
        $"apptainer pull {image} docker://<registry>/<image>:<tag> (or apptainer build {image} <definition>)";
}

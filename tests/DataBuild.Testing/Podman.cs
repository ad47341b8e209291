using System.Diagnostics;

namespace DataBuild.Testing;

/// <summary>
/// Real podman for the container tests: tests/containers/setup.sh, run once per test process (idempotent: installs
/// podman, runc and busybox-static when root and missing, writes the containers.conf and imports
/// <see cref="BusyboxImage"/>). A missing prerequisite fails the test with the script's message, never skips it.
/// </summary>
public static class Podman
{
    public const string BusyboxImage = "localhost/databuild-busybox:1";

    private static readonly Lazy<string> Conf = new(Setup);

    /// <summary>The containers.conf podman must run with here; also set as CONTAINERS_CONF in this process for its children.</summary>
    public static string ContainersConf => Conf.Value;

    private static string Setup()
    {
        var script = Path.Combine(Repository.Root, "tests", "containers", "setup.sh");
        var (exit, stdout, stderr) = Exec(script);
        if (exit != 0)
            throw new InvalidOperationException($"{script} failed (exit {exit}); the container tests need podman:\n{stderr}{stdout}");
        var conf = stdout.Trim().Split('\n')[^1];
        Environment.SetEnvironmentVariable("CONTAINERS_CONF", conf);
        return conf;
    }

    /// <summary>Runs podman (with the test containers.conf) and returns its stdout; a failure throws with its message.</summary>
    public static string Run(params string[] args)
    {
        _ = ContainersConf;
        var (exit, stdout, stderr) = Exec("podman", args);
        return exit == 0 ? stdout.Trim() : throw new InvalidOperationException($"podman {string.Join(" ", args)} failed ({exit}): {stderr}");
    }

    /// <summary>The id podman gives <paramref name="image"/> (sha256:...).</summary>
    public static string ImageId(string image) => "sha256:" + Run("image", "inspect", "--format", "{{.Id}}", image).Replace("sha256:", "");

    /// <summary>Imports a busybox image whose root file system also holds <paramref name="marker"/>, so its id differs from any other.</summary>
    public static void ImportBusybox(string image, string marker)
    {
        var work = Directory.CreateTempSubdirectory("databuild-image-");
        try
        {
            var rootfs = Directory.CreateDirectory(Path.Combine(work.FullName, "rootfs", "bin")).Parent!.FullName;
            File.Copy("/bin/busybox", Path.Combine(rootfs, "bin", "busybox"));
            foreach (var tool in new[] { "sh", "cat", "cp", "sort", "tr", "awk", "head" })
                File.CreateSymbolicLink(Path.Combine(rootfs, "bin", tool), "busybox");
            File.WriteAllText(Path.Combine(rootfs, "MARKER"), marker);
            var tar = Path.Combine(work.FullName, "image.tar");
            var (exit, _, stderr) = Exec("tar", "-C", rootfs, "-cf", tar, ".");
            if (exit != 0) throw new InvalidOperationException($"tar failed: {stderr}");
            Run("import", tar, image);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (int Exit, string Stdout, string Stderr) Exec(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.GetAwaiter().GetResult());
    }
}

using System.Diagnostics;

namespace DataBuild.Slurm.Tests;

/// <summary>
/// The one-node cluster of tests/slurm/cluster.sh. Its tests fail, never skip, when it is down: a skipped
/// real-cluster test reads as green in CI while proving nothing.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    // The end-to-end tests of --executor slurm use the same cluster from another test process; this collection restarts it.
    private readonly FileStream _lock = SlurmClusterLock.Acquire();

    public LocalCluster()
    {
        var ping = Run("scontrol", "ping");
        if (ping.ExitCode != 0 || !ping.Output.Contains("UP", StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"Slurm cluster not running: run tests/slurm/cluster.sh start (scontrol ping said: {ping.Output.Trim()})");
        // Job scripts and logs must be readable by slurmd: same machine, so a directory under /tmp will do.
        Scratch = Path.Combine(Path.GetTempPath(), "databuild-slurm-tests");
        Directory.CreateDirectory(Scratch);
    }

    public string Scratch { get; }

    /// <summary>Restarts the cluster in the given mode; throws with the script's output when it fails.</summary>
    public void Start(bool accounting)
    {
        var result = Run(Repository.ClusterScript, accounting ? ["start"] : ["start", "--no-accounting"]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"tests/slurm/cluster.sh start{(accounting ? "" : " --no-accounting")} failed:\n{result.Output}");
    }

    public static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in args)
                info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, $"{program}: {e.Message} (is Slurm installed?)");
        }
    }

    public void Dispose() => _lock.Dispose();
}

/// <summary>Real-cluster tests run one at a time: they share the node's two CPUs and may restart the cluster.</summary>
[CollectionDefinition(Name)]
public sealed class RealClusterCollection : ICollectionFixture<LocalCluster>
{
    public const string Name = "Real Slurm cluster";
}

namespace DataBuild.Testing;

/// <summary>
/// One test process at a time on the local Slurm cluster, across test projects (dotnet test runs them in parallel):
/// an exclusive lock on <see cref="Path"/>, released when the holder disposes it or its process dies. The Slurm
/// client's real-cluster tests and the end-to-end --executor slurm tests hold it; bench/run.sh takes it with flock.
/// </summary>
public static class SlurmClusterLock
{
    public const string Path = "/tmp/databuild-slurm-tests.lock";

    /// <summary>Waits up to 10 minutes for the lock; dispose the stream to release it.</summary>
    public static FileStream Acquire()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}

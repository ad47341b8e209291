namespace DataBuild.Testing;

/// <summary>
/// A scratch directory, databuild-test-*, under the system temp directory or <c>parent</c> (the real-cluster tests put
/// theirs where slurmd can read job scripts), removed when the test ends.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string? parent = null)
    {
        Path = System.IO.Path.Combine(parent ?? System.IO.Path.GetTempPath(), "databuild-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="relative"/> inside this directory (not created).</summary>
    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        // A killed child's or a Slurm job's last write, or a reader still holding a file; the OS cleans temp.
        catch (IOException) { }
    }
}

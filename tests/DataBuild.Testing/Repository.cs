namespace DataBuild.Testing;

/// <summary>The checkout the tests run from: for build.sh and tests/slurm/cluster.sh.</summary>
public static class Repository
{
    /// <summary>The first folder with DataBuild.sln above the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>tests/slurm/cluster.sh, which starts, stops and restarts the local one-node Slurm cluster.</summary>
    public static string ClusterScript => System.IO.Path.Combine(Root, "tests", "slurm", "cluster.sh");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DataBuild.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"Cannot find the repository root (a folder with DataBuild.sln) above {AppContext.BaseDirectory}.");
    }
}

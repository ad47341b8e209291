namespace DataBuild.Products.Tests.Support;

/// <summary>Locates the repository checkout from the test binaries, for golden files and interop scripts.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Interop => Path.Combine(Root, "tests", "interop");

    public static string Golden => Path.Combine(Root, "tests", "DataBuild.Products.Tests", "golden");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tests", "interop", "package.json")))
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"Cannot find the repository root (a folder with tests/interop/package.json) above {AppContext.BaseDirectory}.");
    }
}

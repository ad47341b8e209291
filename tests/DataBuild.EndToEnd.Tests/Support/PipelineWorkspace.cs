using System.Security.Cryptography;

namespace DataBuild.EndToEnd.Tests.Support;

/// <summary>A fresh, empty working directory for the example pipelines: they generate their own fixtures under data/.</summary>
public sealed class PipelineWorkspace : IDisposable
{
    private readonly TempDirectory _dir = new();

    public string Path => _dir.Path;

    public string File(string relative) => _dir.File(relative);

    public Task<DriverResult> Build(params string[] args) => Driver.RunAsync(Path, args);

    /// <summary>SHA-256 of every file under data/ and out/, by relative path: what "byte-identical" compares.</summary>
    public SortedDictionary<string, string> Products()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var root in new[] { "data", "out" })
            if (Directory.Exists(File(root)))
                foreach (var f in Directory.GetFiles(File(root), "*", SearchOption.AllDirectories))
                    result[System.IO.Path.GetRelativePath(Path, f)] = Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(f)));
        return result;
    }

    public void Dispose() => _dir.Dispose();
}

namespace DataBuild.EndToEnd.Tests.Support;

/// <summary>A fresh working directory holding the fan-out workload's inputs raw/q0 .. raw/q(N-1).</summary>
public sealed class FanoutWorkspace : IDisposable
{
    private readonly TempDirectory _dir = new();

    public FanoutWorkspace(int quads)
    {
        Quads = quads;
        Directory.CreateDirectory(_dir.File("raw"));
        for (var q = 0; q < quads; q++) System.IO.File.WriteAllText(Raw(q), $"quad {q}\n");
    }

    public int Quads { get; }

    public string Path => _dir.Path;

    public string Raw(int quad) => _dir.File($"raw/q{quad}");

    public string File(string relative) => _dir.File(relative);

    public static string FeaturesNode(int quad) => $"FanoutFeatures[group={quad / 64},quad={quad}]";

    public Task<DriverResult> Build(params string[] extra) =>
        Driver.RunAsync(Path, ["FanoutAll", "--fanout-quads", Quads.ToString(), .. extra]);

    public Task<RunningDriver> Start(params string[] extra) =>
        Driver.StartAsync(Path, ["FanoutAll", "--fanout-quads", Quads.ToString(), .. extra]);

    /// <summary>Starts the build as from a terminal, where Ctrl-C reaches it (<see cref="Driver.StartAsync(string, IReadOnlyDictionary{string, string}, string[], bool)"/>).</summary>
    public Task<RunningDriver> StartInterruptible(params string[] extra) =>
        Driver.StartAsync(Path, new Dictionary<string, string>(), ["FanoutAll", "--fanout-quads", Quads.ToString(), .. extra], interruptible: true);

    /// <summary>Every output file (features/, groups/, all.txt) by relative path, with its bytes.</summary>
    public SortedDictionary<string, string> Outputs()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in new[] { "features", "groups" })
            if (Directory.Exists(File(dir)))
                foreach (var f in Directory.GetFiles(File(dir)))
                    result[System.IO.Path.GetRelativePath(Path, f)] = System.IO.File.ReadAllText(f);
        if (System.IO.File.Exists(File("all.txt"))) result["all.txt"] = System.IO.File.ReadAllText(File("all.txt"));
        return result;
    }

    public void Dispose() => _dir.Dispose();
}

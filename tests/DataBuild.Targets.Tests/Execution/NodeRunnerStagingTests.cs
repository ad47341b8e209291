using DataBuild.Execution;
using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.Targets.Tests.Execution;

/// <summary>Staging on a real disk with real processes, where directories behave as they do in a build.</summary>
public sealed class NodeRunnerStagingTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly RealFileSystem _files;
    private readonly NodeRunner _runner;

    public NodeRunnerStagingTests()
    {
        _files = new RealFileSystem(_dir.Path);
        _runner = new NodeRunner(_files, PosixProcessRunner.Instance, SystemClock.Instance);
        Directory.CreateDirectory(_dir.File("raw"));
        for (var i = 0; i < 3; i++) File.WriteAllText(_dir.File($"raw/q{i}"), $"quad {i}\n");
    }

    public void Dispose() => _dir.Dispose();

    private static readonly TaskSpec Copy = new ArgvTaskSpec(["cp", "{in}", "{out}"]);

    private static Invocation CopyOf(int i)
    {
        var staging = $".databuild/staging/1/n{i}";
        var output = new OutputBinding("out", $"features/q{i}", $"{staging}/0/q{i}", IsDirectory: false);
        return new Invocation
        {
            Node = $"Copy[{i}]", Target = "Copy", Partition = $"{i}",
            Inputs = new Dictionary<string, string[]> { ["in"] = [$"raw/q{i}"] },
            Outputs = [output],
            Upstream = new Dictionary<string, UpstreamBinding[]>(),
            Parameters = new Dictionary<string, string>(),
            Argv = ["cp", $"raw/q{i}", output.StagingPath],
            StagingDirectory = staging,
            LogPath = $".databuild/logs/Copy/q{i}.log",
        };
    }

    [Fact]
    public void Without_reuse_a_task_leaves_no_staging_directory()
    {
        var result = _runner.Run(CopyOf(0), Copy, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("quad 0\n", File.ReadAllText(_dir.File("features/q0")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.File(".databuild/staging/1")));
    }

    [Fact]
    public void A_reused_staging_directory_is_removed_when_reuse_ends()
    {
        using (_runner.ReuseStagingDirectories())
        {
            Assert.True(_runner.Run(CopyOf(0), Copy, CancellationToken.None).Succeeded);
            Assert.True(_runner.Run(CopyOf(1), Copy, CancellationToken.None).Succeeded);

            Assert.Equal([_dir.File(".databuild/staging/1/n1")], Directory.EnumerateFileSystemEntries(_dir.File(".databuild/staging/1")));
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir.File(".databuild/staging/1")));
        Assert.Equal("quad 1\n", File.ReadAllText(_dir.File("features/q1")));
    }

    [Fact]
    public void A_reused_staging_directory_with_something_where_an_output_goes_is_made_afresh()
    {
        using var reuse = _runner.ReuseStagingDirectories();
        Assert.True(_runner.Run(CopyOf(0), Copy, CancellationToken.None).Succeeded);
        // An empty directory is invisible to the undeclared-output check; here it sits where the next task's output goes.
        Directory.CreateDirectory(_dir.File(".databuild/staging/1/n0/0/q1"));

        var result = _runner.Run(CopyOf(1), Copy, CancellationToken.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal("quad 1\n", File.ReadAllText(_dir.File("features/q1")));
    }

    [Fact]
    public void A_stray_file_in_staging_still_fails_the_task_that_wrote_it_and_is_not_reused()
    {
        using var reuse = _runner.ReuseStagingDirectories();
        var stray = CopyOf(0) with { Argv = ["sh", "-c", "cp raw/q0 \"$1\" && touch \"$1.extra\"", "stray", ".databuild/staging/1/n0/0/q0"] };

        var failed = _runner.Run(stray, Copy, CancellationToken.None);
        var next = _runner.Run(CopyOf(1), Copy, CancellationToken.None);

        Assert.Equal("the task wrote an undeclared output '0/q0.extra' next to its outputs; declare it with .Output(...) or write it elsewhere.", failed.Message);
        Assert.True(next.Succeeded, next.Message);
        Assert.True(Directory.Exists(_dir.File(".databuild/staging/1/n0")), "a failed task's staging is kept to look at");
    }
}

using DataBuild.Graph;
using DataBuild.IO;
using DataBuild.Model;
using DataBuild.Targets.Tests.Support;
using Microsoft.Build.Framework;

namespace DataBuild.Targets.Tests.Graph;

public sealed class MsBuildTaskTests
{
    /// <summary>An ordinary MSBuild task: properties in, Execute(), errors through the build engine.</summary>
    public sealed class Upper : ITask
    {
        public IBuildEngine BuildEngine { get; set; } = null!;
        public ITaskHost? HostObject { get; set; }
        public InMemoryFileSystem Files { get; set; } = null!;
        [Required] public string Source { get; set; } = "";
        [Required] public string Destination { get; set; } = "";

        public bool Execute()
        {
            var text = Files.ReadAllText(Source);
            if (text.Length == 0)
            {
                BuildEngine.LogErrorEvent(new BuildErrorEventArgs(null, "UP001", null, 0, 0, 0, 0, $"{Source} is empty", null, nameof(Upper)));
                return false;
            }
            Files.WriteAllText(Destination, text.ToUpperInvariant());
            BuildEngine.LogMessageEvent(new BuildMessageEventArgs($"upper-cased {Source}", null, nameof(Upper), MessageImportance.Normal));
            return true;
        }
    }

    private sealed class UpperPipeline(InMemoryFileSystem files) : Pipeline
    {
        Target Shout => _ => _
            .PartitionedBy("name", new[] { "a", "b" })
            .Input("text", "in/{name}.txt")
            .Output("out/{name}.txt")
            .Version("1")
            .Executes<Upper>((task, ctx) =>
            {
                task.Files = files;
                task.Source = ctx.Input("text");
                task.Destination = ctx.Output();
            });
    }

    [Fact]
    public async Task Runs_an_MSBuild_task_per_partition_and_logs_its_messages()
    {
        using var w = new TestWorkspace();
        w.Files.WriteAllText("in/a.txt", "alpha");
        w.Files.WriteAllText("in/b.txt", "beta");

        var outcome = await w.Build(new UpperPipeline(w.Files), "Shout");

        Assert.Equal(["Shout[name=a]", "Shout[name=b]"], outcome.BuiltNodes());
        Assert.Equal("ALPHA", w.Files.ReadAllText("out/a.txt"));
        Assert.Contains("upper-cased in/a.txt", w.Files.ReadAllText(".databuild/logs/Shout/name=a.log"));
    }

    [Fact]
    public async Task An_error_logged_by_the_task_fails_the_node_with_that_error()
    {
        using var w = new TestWorkspace();
        w.Files.WriteAllText("in/a.txt", "alpha");
        w.Files.WriteAllText("in/b.txt", "");

        var outcome = await w.Build(new UpperPipeline(w.Files), "Shout");

        var failed = outcome.Node("Shout[name=b]");
        Assert.Equal(NodeState.Failed, failed.State);
        Assert.Contains("Upper failed: in/b.txt is empty", failed.Error);
    }
}

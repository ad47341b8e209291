namespace DataBuild.EndToEnd.Tests;

/// <summary>
/// <c>./build.sh setup &lt;dir&gt;</c>: DataBuild in a repository of the user's own, with the engine as a versioned package
/// from a feed inside that repository. In the compile tests' collection: packing and compiling each take a core.
/// </summary>
[Collection(nameof(CompileModeTests))]
public sealed class SetupTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private const string MyTarget = """
        using DataBuild.Model;

        public sealed partial class Pipelines
        {
            Target Shout => _ => _
                .Output("out/shout.txt")
                .Executes("python3", "-c", "import sys; open(sys.argv[1], 'w').write('WORD\\n')", "{out}");
        }
        """;

    [Fact]
    public void A_repository_set_up_builds_its_own_target_rebuilds_only_it_after_an_edit_and_still_builds_once_moved()
    {
        var repo = _temp.File("my-survey");

        var setup = Run(_temp.Path, Path.Combine(Repository.Root, "build.sh"), "setup", repo);

        Assert.True(setup.Code == 0, setup.Output);
        Assert.Contains($"is set up in {repo}", setup.Output);
        var version = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(repo, "build", "Build.csproj")),
            "<DataBuildVersion>(0\\.1\\.[0-9]+(-local\\.[0-9a-f]{12})?)</DataBuildVersion>").Groups[1].Value;
        Assert.NotEqual("", version);
        Assert.True(File.Exists(Path.Combine(repo, ".databuild-feed", $"DataBuild.Targets.{version}.nupkg")), setup.Output);
        Assert.Contains("value=\".databuild-feed\"", File.ReadAllText(Path.Combine(repo, "nuget.config")));
        Assert.Contains("## Building with DataBuild", File.ReadAllText(Path.Combine(repo, "README.md")));

        // The user's own target, beside the example one: both built.
        var mine = Path.Combine(repo, "build", "Pipelines.Mine.cs");
        File.WriteAllText(mine, MyTarget.Replace("WORD", "first"));
        var first = Run(repo, Path.Combine(repo, "build.sh"), "Hello", "Shout");
        Assert.True(first.Code == 0, first.Output);
        Assert.Contains("Compiling the pipelines (build/)", first.Output);
        Assert.Contains("2 built, 0 up to date", first.Output);
        Assert.Equal("first\n", File.ReadAllText(Path.Combine(repo, "out", "shout.txt")));
        Assert.Equal("hello from DataBuild\n", File.ReadAllText(Path.Combine(repo, "out", "hello.txt")));

        // The commands beside the build, from the packages too: the HTML report of that run.
        var report = Run(repo, Path.Combine(repo, "build.sh"), "report", "--last", "-o", "report.html");
        Assert.True(report.Code == 0, report.Output);
        Assert.Contains("Shout", File.ReadAllText(Path.Combine(repo, "report.html")));

        // An edit of it: compiled again, and only it rebuilt.
        File.WriteAllText(mine, MyTarget.Replace("WORD", "second"));
        var edited = Run(repo, Path.Combine(repo, "build.sh"), "Hello", "Shout");
        Assert.True(edited.Code == 0, edited.Output);
        Assert.Contains("Compiling the pipelines (build/)", edited.Output);
        Assert.Contains("1 built, 1 up to date", edited.Output);
        Assert.Matches(@"(?m)^\[\d/2\] built Shout ", edited.Output);
        Assert.DoesNotContain("built Hello", edited.Output);
        Assert.Equal("second\n", File.ReadAllText(Path.Combine(repo, "out", "shout.txt")));

        // Moved elsewhere (the feed is named relative to nuget.config): an edit compiles and builds there.
        var moved = _temp.File("moved-survey");
        Directory.Move(repo, moved);
        File.WriteAllText(Path.Combine(moved, "build", "Pipelines.Mine.cs"), MyTarget.Replace("WORD", "third"));
        var there = Run(moved, Path.Combine(moved, "build.sh"), "Shout");
        Assert.True(there.Code == 0, there.Output);
        Assert.Contains("1 built", there.Output);
        Assert.Equal("third\n", File.ReadAllText(Path.Combine(moved, "out", "shout.txt")));

        // Set up again (as a newer engine would be): its packages are added to the feed, the user's files left alone.
        var again = Run(_temp.Path, Path.Combine(Repository.Root, "build.sh"), "setup", moved);
        Assert.True(again.Code == 0, again.Output);
        Assert.Contains($"DataBuild {version} is now in {moved}/.databuild-feed (build/Build.csproj uses {version}).", again.Output);
        Assert.Equal(MyTarget.Replace("WORD", "third"), File.ReadAllText(Path.Combine(moved, "build", "Pipelines.Mine.cs")));
    }

    [Fact]
    public void A_csharp_error_in_the_users_pipelines_is_the_compiler_line_exit_2_and_nothing_runs()
    {
        var repo = _temp.File("my-survey");
        var setup = Run(_temp.Path, Path.Combine(Repository.Root, "build.sh"), "setup", repo);
        Assert.True(setup.Code == 0, setup.Output);
        var pipelines = Path.Combine(repo, "build", "Pipelines.cs");
        File.WriteAllText(pipelines, File.ReadAllText(pipelines).Replace(".Output(\"out/hello.txt\")", ".Output(undefinedName)"));

        var (code, output) = Run(repo, Path.Combine(repo, "build.sh"), "Hello");

        Assert.Equal(2, code);
        Assert.Matches(@"(?m)^build/Pipelines\.cs\(\d+,\d+\): error CS0103: The name 'undefinedName' does not exist in the current context$", output);
        Assert.EndsWith("error: build/ does not compile; fix the errors above and rerun. Nothing was run.", output.TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(repo, ".databuild")));
    }

    [Fact]
    public void Setup_refuses_a_directory_that_has_a_build_sh_of_its_own_and_writes_nothing()
    {
        var repo = _temp.File("theirs");
        Directory.CreateDirectory(repo);
        File.WriteAllText(Path.Combine(repo, "build.sh"), "echo mine\n");

        var (code, output) = Run(_temp.Path, Path.Combine(Repository.Root, "build.sh"), "setup", repo);

        Assert.Equal(2, code);
        Assert.Contains($"error: {repo}/build.sh already exists;", output);
        Assert.Equal(new[] { Path.Combine(repo, "build.sh") }, Directory.GetFileSystemEntries(repo));
        Assert.Equal("echo mine\n", File.ReadAllText(Path.Combine(repo, "build.sh")));
    }

    // Packing the engine the first time takes minutes on a loaded 2-core machine.
    private static (int Code, string Output) Run(string directory, string program, params string[] args) =>
        Command.Run(directory, program, args, new Dictionary<string, string>(), TimeSpan.FromMinutes(15));
}

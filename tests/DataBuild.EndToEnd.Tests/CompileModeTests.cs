using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests;

[CollectionDefinition(nameof(CompileModeTests), DisableParallelization = true)]
public sealed class CompileModeCollection;

/// <summary>
/// ./build.sh compiling the pipeline program in a copy of this checkout (its own build/bin and obj, so the other tests'
/// program is untouched): switching compile modes never leaves a program that cannot start, and a C# error in pipeline
/// code is shown as the compiler's line, exit 2, with nothing run. Alone, after the others: each compile takes a core.
/// </summary>
[Collection(nameof(CompileModeTests))]
public sealed class CompileModeTests : IDisposable
{
    private readonly TempDirectory _copy = new();
    private readonly TempDirectory _work = new();

    public CompileModeTests()
    {
        // The tracked files as they are in the working tree (uncommitted edits included), as a fresh clone would have them.
        var tar = $"git ls-files -z | tar --null -T - -cf - | tar -xf - -C '{_copy.Path}'";
        var (code, output) = Run(Repository.Root, "bash", ["-c", tar], []);
        Assert.True(code == 0, output);
    }

    public void Dispose()
    {
        _copy.Dispose();
        _work.Dispose();
    }

    private (int Code, string Output) BuildSh(string? mode, params string[] args) =>
        Run(_work.Path, Path.Combine(_copy.Path, "build.sh"), args, mode is null ? [] : new() { ["DATABUILD_COMPILE"] = mode });

    [Fact]
    public void Switching_between_the_startup_native_and_quick_programs_and_back_always_gives_a_program_that_starts()
    {
        // A fresh copy, default mode: the run does not wait for the engine's publish; it runs a JIT-compiled program
        // and publishes in the background.
        var first = BuildSh(null, "--version");
        Assert.True(first.Code == 0, first.Output);
        Assert.Contains("Compiling the engine and the pipelines for this run (build/Host, build/; JIT-compiled, not precompiled) ...", first.Output);
        Assert.Contains("note: this run's program is JIT-compiled; the precompiled one (faster to start) is being published in the background", first.Output);
        Assert.Contains("shared runtime)", first.Output);
        Assert.True(File.Exists(Path.Combine(_copy.Path, "build", "obj", "background-publish.log")));
        // Waiting for the publish (DATABUILD_COMPILE=startup takes the compile lock the background publish holds, or
        // publishes itself if that has not started yet); then a default run has nothing to compile.
        var startup = BuildSh("startup", "--version");
        var published = BuildSh(null, "--version");
        Assert.True(startup.Code == 0, startup.Output);
        Assert.Contains("self-contained)", startup.Output);
        Assert.True(published.Code == 0, published.Output);
        Assert.DoesNotContain("Compiling", published.Output);
        Assert.Contains("self-contained)", published.Output);

        // That default run, with the published program current, started the native compile in the background;
        // DATABUILD_COMPILE=native waits for it (its lock), and the default runs after it use the native program.
        var native = BuildSh("native", "--version");
        Assert.True(native.Code == 0, native.Output);
        Assert.Matches(@"(?m)^DataBuild \S+ \(\.NET [0-9.]+, linux-x64, native\)$", native.Output);
        Assert.True(File.Exists(Path.Combine(_copy.Path, "build", "bin", "native", "databuild")));
        var nativeDefault = BuildSh(null, "--version");
        Assert.True(nativeDefault.Code == 0, nativeDefault.Output);
        Assert.DoesNotContain("Compiling", nativeDefault.Output);
        Assert.Contains("native)", nativeDefault.Output);
        SameProductsFromTheNativeAndThePublishedProgram();

        var quick = BuildSh("quick", "--version");
        var back = BuildSh("startup", "--version");
        Assert.True(quick.Code == 0, quick.Output);
        Assert.Contains("shared runtime)", quick.Output);
        Assert.True(back.Code == 0, back.Output);
        Assert.Contains("self-contained)", back.Output);
    }

    [Fact]
    public void Without_the_runtime_pack_and_offline_the_program_is_compiled_for_the_shared_runtime_and_says_why()
    {
        // Offline (no package source) with a package cache that has everything but the runtime packs, which a
        // self-contained publish needs: what a machine without network access whose cache lacks them has.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var runtimePacks = new[] { "microsoft.netcore.app.runtime.linux-x64", "microsoft.aspnetcore.app.runtime.linux-x64" };
        Assert.True(Directory.Exists(Path.Combine(cache, "cliwrap")), $"The NuGet package cache {cache} has not restored this repository's packages; run 'dotnet restore DataBuild.sln' first.");
        var partial = Path.Combine(_work.Path, "packages");
        Directory.CreateDirectory(partial);
        foreach (var package in Directory.GetDirectories(cache))
            if (!runtimePacks.Contains(Path.GetFileName(package))) File.CreateSymbolicLink(Path.Combine(partial, Path.GetFileName(package)), package);
        File.WriteAllText(Path.Combine(_copy.Path, "nuget.config"),
            "<configuration><packageSources><clear /></packageSources></configuration>\n");

        // DATABUILD_COMPILE=startup: the publish itself, not a first JIT-compiled run (which needs no runtime pack).
        var (code, output) = Run(_work.Path, Path.Combine(_copy.Path, "build.sh"), ["--version"], new() { ["NUGET_PACKAGES"] = partial, ["DATABUILD_COMPILE"] = "startup" });

        // ReadyToRun needs the runtime pack as well, so the program is plain IL on the shared runtime, and the note names
        // the package that could not be had.
        Assert.True(code == 0, output);
        Assert.Matches(@"(?m)^note: compiled without ReadyToRun, for the shared \.NET runtime \([a-z]+/[A-Za-z./]+\.csproj : error NU1100: Unable to resolve 'Microsoft\.(NETCore|AspNetCore)\.App\.Runtime\.linux-x64 \(= [0-9.]+\)' for 'net10\.0'\.\); start-up is slower\. To try again: rm build/obj/\.databuild-stamp$", output);
        Assert.Matches(@"(?m)^DataBuild \S+ \(\.NET [0-9.]+, linux-x64, shared runtime\)$", output);
    }

    [Fact]
    public void A_csharp_error_in_pipeline_code_is_shown_as_the_compiler_line_exits_2_and_runs_nothing()
    {
        var ztf = Path.Combine(_copy.Path, "build", "Pipelines.Ztf.cs");
        var code = File.ReadAllText(ztf);
        const string Anchor = ".Description(\"per-source light-curve features";
        Assert.Contains(Anchor, code);
        File.WriteAllText(ztf, code.Replace(Anchor, ".Description(undefinedName + \"per-source light-curve features"));

        // Default mode on a fresh copy: the error comes from the first-run compile (the quick and startup publishes
        // report theirs the same way: An_edit_of_a_pipeline_file...).
        var (exit, output) = BuildSh(null, "Predictions", "--fields", "296");

        Assert.Equal(2, exit);
        Assert.Matches(@"(?m)^build/Pipelines\.Ztf\.cs\(\d+,\d+\): error CS0103: The name 'undefinedName' does not exist in the current context$", output);
        Assert.EndsWith("error: build/ does not compile; fix the errors above and rerun. Nothing was run.", output.TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(_work.Path, ".databuild")));
        Assert.False(File.Exists(Path.Combine(_copy.Path, "build", "obj", "background-publish.log")));
    }

    [Fact]
    public void An_edit_of_a_pipeline_file_compiles_only_the_pipelines_and_a_broken_or_interrupted_edit_leaves_a_program_that_starts()
    {
        var first = BuildSh("quick", "--help");
        Assert.True(first.Code == 0, first.Output);
        Assert.Contains("Compiling the engine", first.Output);
        Assert.Contains("[default: 0] ($DATABUILD_FANOUT_QUADS)", first.Output);
        var fanout = Path.Combine(_copy.Path, "build", "Pipelines.Fanout.cs");
        var code = File.ReadAllText(fanout);
        const string Default = "readonly int FanoutQuads = 0;";
        Assert.Contains(Default, code);

        // An edit: only the pipeline assembly is compiled, and the program runs the new code.
        File.WriteAllText(fanout, code.Replace(Default, "readonly int FanoutQuads = 7;"));
        var edited = BuildSh("quick", "--help");
        Assert.True(edited.Code == 0, edited.Output);
        Assert.Contains("Compiling the pipelines (build/)", edited.Output);
        Assert.DoesNotContain("Compiling the engine", edited.Output);
        Assert.Contains("[default: 7] ($DATABUILD_FANOUT_QUADS)", edited.Output);

        // A C# error in an edit: the compiler's line, exit 2; the program of the last good edit is still in place.
        File.WriteAllText(fanout, code.Replace(Default, "readonly int FanoutQuads = undefinedName;"));
        var broken = BuildSh("quick", "--help");
        Assert.Equal(2, broken.Code);
        Assert.Matches(@"(?m)^build/Pipelines\.Fanout\.cs\(\d+,\d+\): error CS0103: The name 'undefinedName' does not exist in the current context$", broken.Output);
        Assert.DoesNotContain("Compiling the engine", broken.Output);
        var program = Path.Combine(_copy.Path, "build", "bin", "publish", "databuild");
        var previous = Run(_work.Path, program, ["--help"], []);
        Assert.True(previous.Code == 0, previous.Output);
        Assert.Contains("[default: 7] ($DATABUILD_FANOUT_QUADS)", previous.Output);

        // A compile killed midway (as Ctrl-C would), then run again: the program starts and has the edit.
        File.WriteAllText(fanout, code.Replace(Default, "readonly int FanoutQuads = 9;"));
        KillWhileCompiling();
        var rerun = BuildSh("quick", "--help");
        Assert.True(rerun.Code == 0, rerun.Output);
        Assert.Contains("Compiling the pipelines (build/)", rerun.Output);
        Assert.Contains("[default: 9] ($DATABUILD_FANOUT_QUADS)", rerun.Output);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_copy.Path, "build", "bin"), "publish.new.*"));
    }

    /// <summary>
    /// The native program (default mode) and the published one (startup) build the fan-out workload and the ZTF example
    /// in two directories, from the same generated inputs: the same nodes run, the products are the same bytes, an
    /// edited input rebuilds the same nodes in both, and `report` (the published program's) reads the native run.
    /// </summary>
    private void SameProductsFromTheNativeAndThePublishedProgram()
    {
        using var other = new TempDirectory();
        foreach (var dir in new[] { _work.Path, other.Path })
        {
            Directory.CreateDirectory(Path.Combine(dir, "raw"));
            for (var q = 0; q < 20; q++) File.WriteAllText(Path.Combine(dir, "raw", $"q{q}"), $"quad {q}\n");
        }
        string[][] builds = [["FanoutAll", "--fanout-quads", "20"], ["Predictions", "--fields", "296"]];
        foreach (var build in builds)
        {
            var native = BuildSh(null, build);
            var published = BuildShIn(other.Path, "startup", build);
            Assert.True(native.Code == 0, native.Output);
            Assert.True(published.Code == 0, published.Output);
            Assert.Equal(Built(published.Output), Built(native.Output));
            Assert.NotEmpty(Built(native.Output));
        }
        File.WriteAllText(Path.Combine(_work.Path, "raw", "q3"), "edited\n");
        File.WriteAllText(Path.Combine(other.Path, "raw", "q3"), "edited\n");
        var nativeEdit = BuildSh(null, builds[0]);
        var publishedEdit = BuildShIn(other.Path, "startup", builds[0]);
        Assert.Equal(["FanoutAll", "FanoutFeatures[group=0,quad=3]", "FanoutGroups[group=0]"], Built(nativeEdit.Output));
        Assert.Equal(Built(publishedEdit.Output), Built(nativeEdit.Output));
        var noOp = BuildSh(null, builds[1]);
        Assert.Contains("Nothing to do", noOp.Output);

        string[] products = ["all.txt", "groups", "features", "out"];
        var files = products.SelectMany(p => Files(_work.Path, p)).ToList();
        Assert.Contains(Path.Combine("out", "ztf", "field=296", "predictions.parquet"), files);
        Assert.Equal(files, products.SelectMany(p => Files(other.Path, p)).ToList());
        foreach (var file in files)
            Assert.True(File.ReadAllBytes(Path.Combine(_work.Path, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(other.Path, file))), $"{file} differs");

        var report = BuildSh(null, "report", "--last", "-o", "report.html");
        Assert.True(report.Code == 0, report.Output);
        Assert.True(File.Exists(Path.Combine(_work.Path, "report.html")));
    }

    /// <summary>The copy's ./build.sh in another working directory, in compile mode <paramref name="mode"/>.</summary>
    private (int Code, string Output) BuildShIn(string directory, string mode, string[] args) =>
        Run(directory, Path.Combine(_copy.Path, "build.sh"), args, new() { ["DATABUILD_COMPILE"] = mode });

    private static List<string> Built(string output) => [.. Driver.BuiltNodes(output.Split('\n')).Order(StringComparer.Ordinal)];

    private static IEnumerable<string> Files(string root, string path)
    {
        var full = Path.Combine(root, path);
        if (File.Exists(full)) return [path];
        return Directory.GetFiles(full, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal);
    }

    /// <summary>Starts ./build.sh in its own process group and kills the whole group once it says it is compiling.</summary>
    private void KillWhileCompiling()
    {
        var script = $"setsid '{Path.Combine(_copy.Path, "build.sh")}' --help > compile.log 2>&1 & pid=$!; " +
                     "until grep -q 'Compiling the pipelines' compile.log; do kill -0 $pid 2>/dev/null || exit 1; sleep 0.05; done; " +
                     "kill -KILL -- -$pid; wait $pid; echo killed";
        var (code, output) = Run(_work.Path, "bash", ["-c", script], new() { ["DATABUILD_COMPILE"] = "quick" });
        Assert.True(code == 0 && output.Contains("killed"), output);
    }

    private static (int Code, string Output) Run(string directory, string program, IReadOnlyList<string> args, Dictionary<string, string> environment) =>
        Command.Run(directory, program, args, environment, TimeSpan.FromMinutes(8));
}

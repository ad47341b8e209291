using DataBuild.Execution;
using DataBuild.IO;

namespace DataBuild.Targets.Tests.Execution;

public sealed class ExecutableSearchTests
{
    private readonly HashSet<string> _executables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _plainFiles = new(StringComparer.Ordinal);
    private int _probes;

    private ExecutableSearch Search() => new(path =>
    {
        _probes++;
        return _executables.Contains(path);
    }, path => _plainFiles.Contains(path) || _executables.Contains(path));

    [Fact]
    public void A_name_is_the_first_executable_file_on_PATH()
    {
        _executables.Add("/usr/bin/cp");
        _executables.Add("/bin/cp");

        Assert.Equal("/usr/bin/cp", Search().Resolve("cp", "/opt/tools:/usr/bin:/bin", "/work"));
    }

    [Fact]
    public void A_file_that_is_not_executable_is_skipped()
    {
        _plainFiles.Add("/opt/tools/cp");
        _executables.Add("/usr/bin/cp");

        Assert.Equal("/usr/bin/cp", Search().Resolve("cp", "/opt/tools:/usr/bin", "/work"));
    }

    [Fact]
    public void Each_name_is_looked_up_once()
    {
        _executables.Add("/usr/bin/cp");
        var search = Search();

        for (var i = 0; i < 100; i++) search.Resolve("cp", "/a:/b:/usr/bin", "/work");

        Assert.Equal(3, _probes);
    }

    [Fact]
    public void A_forgotten_name_is_looked_up_again()
    {
        _executables.Add("/usr/bin/cp");
        var search = Search();
        search.Resolve("cp", "/usr/local/bin:/usr/bin", "/work");
        _executables.Add("/usr/local/bin/cp");

        search.Forget("cp", "/usr/local/bin:/usr/bin", "/work");

        Assert.Equal("/usr/local/bin/cp", search.Resolve("cp", "/usr/local/bin:/usr/bin", "/work"));
    }

    [Fact]
    public void A_name_with_a_slash_is_a_path_and_never_searched()
    {
        Assert.Equal("./tools/run", Search().Resolve("./tools/run", "/usr/bin", "/work"));
        Assert.Equal(0, _probes);
    }

    [Fact]
    public void Empty_and_relative_PATH_entries_are_taken_from_the_working_directory()
    {
        _executables.Add("/work/bin/tool");
        _executables.Add("/work/here");

        Assert.Equal("/work/bin/tool", Search().Resolve("tool", "/usr/bin:bin", "/work"));
        Assert.Equal("/work/here", Search().Resolve("here", "/usr/bin::/bin", "/work"));
    }

    [Fact]
    public void Without_PATH_the_system_default_is_searched()
    {
        _executables.Add("/usr/bin/cat");

        Assert.Equal("/usr/bin/cat", Search().Resolve("cat", null, "/work"));
    }

    [Fact]
    public void A_missing_program_is_named_with_the_PATH_searched_and_how_to_fix_it()
    {
        var error = Assert.Throws<ProcessStartException>(() => Search().Resolve("samtools", "/usr/local/bin:/usr/bin", "/work"));

        Assert.Equal("Program 'samtools' not found on PATH (/usr/local/bin:/usr/bin). Install it or add its directory to PATH, "
            + "or give its path in argv (absolute, or relative to the workspace like ./tools/samtools).", error.Message);
    }

    [Fact]
    public void A_program_found_but_not_executable_says_which_file_and_to_make_it_executable()
    {
        _plainFiles.Add("/work/tools/step");

        var error = Assert.Throws<ProcessStartException>(() => Search().Resolve("step", "/work/tools:/usr/bin", "/work"));

        Assert.Equal("Program 'step' found at /work/tools/step is not an executable file. Make it executable (chmod +x /work/tools/step) "
            + "or put the right one earlier on PATH.", error.Message);
    }

    [Fact]
    public void An_empty_program_name_is_refused()
    {
        var error = Assert.Throws<ProcessStartException>(() => Search().Resolve("", "/usr/bin", "/work"));

        Assert.Contains("argv[0]) is empty", error.Message);
    }
}

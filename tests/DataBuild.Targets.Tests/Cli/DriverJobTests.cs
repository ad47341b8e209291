using DataBuild.Cli;
using DataBuild.Model;
using DataBuild.Targets.Tests.Support;

namespace DataBuild.Targets.Tests.Cli;

/// <summary>--detach --executor slurm: the driver as a Slurm job of 1 CPU, and the chain of driver jobs near their time limit.</summary>
public sealed class DriverJobTests : IDisposable
{
    private readonly TestWorkspace _ws = new();
    private readonly FakeSlurmClient _slurm = new();

    public void Dispose() => _ws.Dispose();

    private string Root => Path.GetFullPath(_ws.Files.FullPath("."));

    [Fact]
    public void The_driver_job_runs_the_same_arguments_as_link_one_with_one_cpu_and_its_job_log_and_how_to_watch_are_printed()
    {
        var printed = new StringWriter();
        var profile = ClusterProfile.Parse("driver:\n  partition: long\n  time: \"02:00:00\"\n", "databuild.yaml", ["Predictions"]);

        var code = DriverJob.Start(_slurm, _ws.Workspace, profile, ["Predictions", "--detach", "--executor", "slurm", "--fields", "296"], 10, printed);

        Assert.Equal(0, code);
        var (script, options, arguments) = Assert.Single(_slurm.CommandSubmissions);
        Assert.Equal(_ws.Files.FullPath(".databuild/detached/driver.sh"), script);
        Assert.Equal("#!/bin/sh", _ws.Files.ReadAllText(".databuild/detached/driver.sh").Split('\n')[0]);
        Assert.Equal([$"--job-name=databuild-driver", "--ntasks=1", "--cpus-per-task=1", "--mem=2G", $"--chdir={Root}",
            $"--output={Root}/.databuild/detached/driver-%j.log", "--open-mode=append", "--signal=B:USR1@300", "--time=0-02:00:00", "--partition=long"], options);
        Assert.Equal([Environment.ProcessPath!, "Predictions", "--executor", "slurm", "--fields", "296", "--driver-link=1"], arguments);
        Assert.Equal($"Detached: the driver runs as Slurm job 1000 (databuild-driver, resubmitting itself near its time limit up to 10 times in all), its output goes to {Root}/.databuild/detached/driver-1000.log.\n" +
            $"Watch it with: ./build.sh status --watch (in {Root}), squeue --name=databuild-driver, or tail -f {Root}/.databuild/detached/driver-1000.log\n", printed.ToString());
    }

    [Fact]
    public void The_command_line_driver_options_win_over_the_profile_and_the_builds_partition_serves_when_neither_names_one()
    {
        var line = CommandLine.Parse(["Predictions", "--driver-walltime", "00:02:00", "--partition", "debug", "--account", "desi"], new HashSet<string>());
        var fromFile = ClusterProfile.Parse("driver:\n  time: \"12:00:00\"\n  qos: short\n", "databuild.yaml", ["Predictions"]);
        var profile = ClusterProfile.Load(line, Root, ["Predictions"]);

        var options = DriverJob.SbatchOptions(profile with { Driver = profile.Driver.Over(fromFile.Driver) }, Root, after: null);

        Assert.Equal(["--signal=B:USR1@30", "--time=0-00:02:00", "--partition=debug", "--account=desi", "--qos=short"], options.Skip(7));
    }

    [Fact]
    public void Near_its_time_limit_a_driver_job_submits_the_next_link_to_start_after_itself()
    {
        var (message, continued) = DriverJob.NearTimeLimit(_slurm, _ws.Workspace, SchedulerProfile.Empty,
            ["Predictions", "--executor", "slurm", "--driver-link=2", "--driver-links", "3"], link: 2, links: 3, currentJob: 77);

        Assert.True(continued);
        var (_, options, arguments) = Assert.Single(_slurm.CommandSubmissions);
        Assert.Equal("--dependency=afterany:77", options[^1]);
        Assert.Equal([Environment.ProcessPath!, "Predictions", "--executor", "slurm", "--driver-links", "3", "--driver-link=3"], arguments);
        Assert.Equal($"Driver job 77 is near its time limit: submitted driver job 1000 (link 3 of at most 3) to continue once this one ends, " +
            $"its output in {Root}/.databuild/detached/driver-1000.log; this driver stops here and leaves its running arrays to it.", message);
    }

    [Fact]
    public void The_last_link_of_a_chain_submits_nothing_and_says_how_to_finish()
    {
        var (message, continued) = DriverJob.NearTimeLimit(_slurm, _ws.Workspace, SchedulerProfile.Empty, ["Predictions", "--driver-link=3"], link: 3, links: 3, currentJob: 78);

        Assert.False(continued);
        Assert.Empty(_slurm.CommandSubmissions);
        Assert.Equal("Driver job 78 is near its time limit and is link 3 of at most 3 (--driver-links): no next driver job. " +
            "Its running arrays go on; run the same command again to adopt them and finish the build.", message);
    }

    [Theory]
    [InlineData("--driver-links", "0", "--driver-links needs a positive whole number (how many driver jobs may follow each other), got '0'.")]
    [InlineData("--driver-walltime", "soon", "--driver-walltime needs a time as Slurm writes it (minutes, HH:MM:SS or D-HH:MM:SS), got 'soon'.")]
    public void A_bad_driver_option_is_a_usage_error_naming_it(string option, string value, string expected)
    {
        var line = CommandLine.Parse(["Predictions", option, value], new HashSet<string>());

        var e = Assert.Throws<UsageException>(() => { DriverJob.Links(line); ClusterProfile.Load(line, Root, ["Predictions"]); });

        Assert.Equal(expected, e.Message);
    }
}

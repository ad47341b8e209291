using DataBuild.Reporting;
using DataBuild.State;

namespace DataBuild.Reporting.Tests;

/// <summary>Reading a run back from a real state database and run directory.</summary>
public sealed class RunDataTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private long Run(string command, bool ranTasks)
    {
        Directory.CreateDirectory(_dir.File(".databuild"));
        using var state = StateStore.Open(_dir.File(".databuild/state.db"));
        var id = state.BeginRun(command, SampleRuns.Start);
        state.EndRun(id, "succeeded", SampleRuns.Start.AddSeconds(3));
        if (ranTasks)
        {
            Directory.CreateDirectory(_dir.File($".databuild/runs/{id}"));
            File.WriteAllText(_dir.File($".databuild/runs/{id}/trace.tsv"),
                "node\ttarget\tattempt\tstatus\tstart\tend\twall_s\tcores\treason\tlog\n" +
                $"Raw[quad=0]\tRaw\t1\tSucceeded\t{SampleRuns.Start:O}\t{SampleRuns.Start.AddSeconds(2):O}\t2\t1\tnever built\t.databuild/logs/Raw/quad=0.log\n");
        }
        return id;
    }

    [Fact]
    public void By_default_the_report_is_of_the_latest_run_that_ran_a_task_not_a_later_check_that_ran_none()
    {
        var built = Run("./build.sh Raw", ranTasks: true);
        Run("./build.sh Raw", ranTasks: false);

        var data = RunData.Load(_dir.Path, ".databuild", null);

        Assert.Equal(built, data.Run.Id);
        Assert.Equal(["Raw[quad=0]"], data.Attempts.Select(a => a.Node));
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", data.Run.Host);
    }

    [Fact]
    public void A_workspace_with_no_build_is_a_usage_error_that_says_to_build_first()
    {
        var e = Assert.Throws<DataBuild.Model.UsageException>(() => RunData.Load(_dir.Path, ".databuild", null));

        Assert.Contains("run a build first", e.Message);
    }
}

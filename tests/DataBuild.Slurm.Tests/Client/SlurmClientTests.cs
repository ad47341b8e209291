namespace DataBuild.Slurm.Tests;

public class SlurmClientTests
{
    [Fact]
    public async Task Submits_with_parsable_and_options_before_the_script()
    {
        var runner = new ScriptedCommandRunner().Answer("sbatch", "42;local\n");

        var id = await new SlurmClient(runner).SubmitAsync("/s/a.sh", ["--mem=2G"]);

        Assert.Equal(42, id);
        Assert.Equal(["--parsable", "--mem=2G", "/s/a.sh"], runner.Calls.Single().Arguments);
    }

    [Fact]
    public async Task Script_arguments_follow_the_script_one_argv_entry_each()
    {
        var runner = new ScriptedCommandRunner().Answer("sbatch", "43\n");

        var id = await new SlurmClient(runner).SubmitWithArgumentsAsync("/s/driver.sh", ["--time=00:10:00"], ["/bin/prog", "a b", "--x=\"y\""]);

        Assert.Equal(43, id);
        Assert.Equal(["--parsable", "--time=00:10:00", "/s/driver.sh", "/bin/prog", "a b", "--x=\"y\""], runner.Calls.Single().Arguments);
    }

    [Fact]
    public async Task Shows_the_command_and_slurms_words_when_sbatch_refuses()
    {
        var runner = new ScriptedCommandRunner().Answer("sbatch", "", 1, "sbatch: error: invalid partition specified: gpu");

        var e = await Assert.ThrowsAsync<SlurmCommandException>(() => new SlurmClient(runner).SubmitAsync("/s/a.sh"));

        Assert.Contains("`sbatch --parsable /s/a.sh` exited with code 1: sbatch: error: invalid partition specified: gpu", e.Message);
    }

    [Fact]
    public async Task Follows_many_jobs_with_one_squeue_call()
    {
        var runner = new ScriptedCommandRunner().Answer("squeue", Recorded.Squeue);

        var entries = await new SlurmClient(runner).QueueAsync([1, 2, 10, 17]);

        Assert.Equal(10, entries.Count);
        var call = Assert.Single(runner.Calls);
        Assert.Equal("squeue", call.Program);
        Assert.Equal(["--jobs=1,2,10,17", "--array", "--states=all", "--noheader", "--Format=" + SqueueFormat.Fields], call.Arguments);
    }

    [Fact]
    public async Task Reads_invalid_job_id_from_squeue_as_all_jobs_gone()
    {
        var runner = new ScriptedCommandRunner().Answer("squeue", "", 1, "slurm_load_jobs error: Invalid job id specified");

        Assert.Empty(await new SlurmClient(runner).QueueAsync([999]));
    }

    [Fact]
    public async Task Asks_nothing_for_no_jobs()
    {
        var runner = new ScriptedCommandRunner();

        Assert.Empty(await new SlurmClient(runner).QueueAsync([]));
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public async Task Reads_accounting_with_one_sacct_call()
    {
        var runner = new ScriptedCommandRunner().Answer("sacct", Recorded.SacctCgroup);

        var records = await new SlurmClient(runner).AccountingAsync([10]);

        Assert.Equal(5, records.Count);
        Assert.Equal(["--jobs=10", "--parsable2", "--noheader", "--format=" + SacctFormat.Fields], Assert.Single(runner.Calls).Arguments);
    }

    [Fact]
    public async Task Knows_accounting_is_off_from_the_config_without_asking_sacct()
    {
        var runner = new ScriptedCommandRunner().Answer("scontrol", "AccountingStorageType = accounting_storage/none\n");

        Assert.False(await new SlurmClient(runner).IsAccountingAvailableAsync());
        Assert.DoesNotContain(runner.Calls, c => c.Program == "sacct");
    }

    [Fact]
    public async Task Knows_accounting_is_off_when_slurmdbd_does_not_answer()
    {
        var runner = new ScriptedCommandRunner()
            .Answer("scontrol", Recorded.ScontrolConfig)
            .Answer("sacct", "", 1, "sacct: error: Problem talking to the database: Connection refused");

        Assert.False(await new SlurmClient(runner).IsAccountingAvailableAsync());
    }

    [Fact]
    public async Task Cancels_by_job_id_in_one_call()
    {
        var runner = new ScriptedCommandRunner().Answer("scancel", "");

        await new SlurmClient(runner).CancelAsync([7, 9]);

        Assert.Equal(["7", "9"], Assert.Single(runner.Calls).Arguments);
    }

    [Fact]
    public async Task Reads_the_config_once()
    {
        var runner = new ScriptedCommandRunner().Answer("scontrol", Recorded.ScontrolConfig);
        var client = new SlurmClient(runner);

        await client.ConfigAsync();
        var config = await client.ConfigAsync();

        Assert.Equal(100001, config.MaxArraySize);
        Assert.Single(runner.Calls);
    }
}

namespace DataBuild.Slurm.Tests;

public class NamedJobFormatTests
{
    [Fact]
    public void Reads_one_job_per_name_and_array_from_squeue_and_sacct_lines()
    {
        const string output = "135|databuild-A-1\n135_0|databuild-A-1\n135_[1-9%2]|databuild-A-1\n136.batch|databuild-B-2\n\nnot a line\n";

        Assert.Equal([new NamedJob("databuild-A-1", 135), new NamedJob("databuild-B-2", 136)], NamedJobFormat.Parse(output));
    }

    [Fact]
    public void Asks_for_every_name_in_one_call_with_all_states()
    {
        Assert.Equal(["--name=a,b", "--states=all", "--noheader", "--format=%F|%j"], NamedJobFormat.SqueueArguments(["a", "b"]));
        Assert.Contains("--allocations", NamedJobFormat.SacctArguments(["a"], DateTimeOffset.UnixEpoch));
    }
}

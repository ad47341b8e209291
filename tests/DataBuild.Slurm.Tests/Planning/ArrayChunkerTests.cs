namespace DataBuild.Slurm.Tests;

public class ArrayChunkerTests
{
    [Fact]
    public void Keeps_a_small_batch_in_one_array() =>
        Assert.Equal([new ArrayChunk(0, 200)], ArrayChunker.Split(200, new ArrayLimits(1001, 10000)));

    [Fact]
    public void Keeps_every_index_below_max_array_size()
    {
        var chunks = ArrayChunker.Split(2500, new ArrayLimits(MaxArraySize: 1001, MaxJobCount: 100000));

        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.LastIndex < 1001));
        Assert.Equal(2500, chunks.Sum(c => c.Count));
    }

    [Fact]
    public void Sizes_arrays_evenly_instead_of_leaving_a_straggler()
    {
        var chunks = ArrayChunker.Split(1002, new ArrayLimits(1001, 100000));

        Assert.Equal([new ArrayChunk(0, 501), new ArrayChunk(501, 501)], chunks);
    }

    [Fact]
    public void Takes_only_its_share_of_max_job_count()
    {
        var limits = new ArrayLimits(MaxArraySize: 100001, MaxJobCount: 1000, JobCountShare: 0.5);

        var chunks = ArrayChunker.Split(1200, limits);

        Assert.All(chunks, c => Assert.True(c.Count <= 500));
        Assert.True(ArrayChunker.CanSubmit(chunks[0], tasksInFlight: 0, limits));
        Assert.False(ArrayChunker.CanSubmit(chunks[1], tasksInFlight: chunks[0].Count, limits));
    }

    [Fact]
    public void Splits_nothing_into_no_arrays() => Assert.Empty(ArrayChunker.Split(0, new ArrayLimits(1001, 10000)));

    [Fact]
    public void Reads_its_limits_from_the_cluster_config() =>
        Assert.Equal(new ArrayLimits(100001, 200000), ArrayLimits.From(ScontrolConfigParser.Parse(Recorded.ScontrolConfig)));
}

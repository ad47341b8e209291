using DataBuild.Tasks.Numerics;
using Xunit;

namespace DataBuild.Tasks.Tests.Numerics;

public class SplitMix64Tests
{
    [Fact]
    public void The_sequence_matches_the_reference_implementation()
    {
        // First outputs of the reference C code (Vigna, splitmix64.c) for seed 0.
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, rng.NextUInt64());
    }

    [Fact]
    public void Keyed_streams_are_reproducible_and_distinct()
    {
        Assert.Equal(SplitMix64.ForKey(1, 296, 3).NextUInt64(), SplitMix64.ForKey(1, 296, 3).NextUInt64());
        Assert.NotEqual(SplitMix64.ForKey(1, 296, 3).NextUInt64(), SplitMix64.ForKey(1, 297, 3).NextUInt64());
        Assert.NotEqual(SplitMix64.ForKey(1, 296, 3).NextUInt64(), SplitMix64.ForKey(2, 296, 3).NextUInt64());
    }

    [Fact]
    public void Bounded_integers_cover_the_inclusive_range_and_nothing_else()
    {
        var rng = new SplitMix64(42);
        var seen = Enumerable.Range(0, 2000).Select(_ => rng.NextInt(10, 14)).ToHashSet();
        Assert.Equal([10, 11, 12, 13, 14], seen.Order());
    }

    [Fact]
    public void Gaussian_deviates_have_zero_mean_and_unit_variance()
    {
        var rng = new SplitMix64(7);
        var draws = Enumerable.Range(0, 20000).Select(_ => rng.NextGaussian()).ToArray();
        Assert.InRange(Statistics.Mean(draws), -0.03, 0.03);
        Assert.InRange(Statistics.StandardDeviation(draws), 0.97, 1.03);
    }
}

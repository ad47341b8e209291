using DataBuild.Tasks.Numerics;
using Xunit;

namespace DataBuild.Tasks.Tests.Numerics;

/// <summary>Each expected value below was worked out by hand for the sample 1, 2, 3, 4, 10.</summary>
public class StatisticsTests
{
    private static readonly double[] Sample = [4, 1, 10, 3, 2];

    [Fact]
    public void Mean_median_and_sample_standard_deviation_match_hand_computed_values()
    {
        Assert.Equal(4.0, Statistics.Mean(Sample), 12);
        Assert.Equal(3.0, Statistics.Median(Sample), 12);
        // Squared deviations from 4: 9, 4, 1, 0, 36 = 50; 50 / 4 = 12.5.
        Assert.Equal(Math.Sqrt(12.5), Statistics.StandardDeviation(Sample), 12);
    }

    [Fact]
    public void Median_of_an_even_sample_averages_the_middle_pair()
    {
        Assert.Equal(2.5, Statistics.Median([4.0, 1, 3, 2]), 12);
    }

    [Fact]
    public void MAD_is_the_median_absolute_deviation_from_the_median()
    {
        // |x - 3| = 1, 2, 7, 0, 1 -> sorted 0, 1, 1, 2, 7 -> 1.
        Assert.Equal(1.0, Statistics.MedianAbsoluteDeviation(Sample), 12);
    }

    [Fact]
    public void Skewness_is_m3_over_m2_to_the_three_halves()
    {
        // Deviations -3, -2, -1, 0, 6: m2 = 50/5 = 10, m3 = (-27 - 8 - 1 + 216)/5 = 36.
        Assert.Equal(36 / Math.Pow(10, 1.5), Statistics.Skewness(Sample), 12);
        Assert.Equal(0.0, Statistics.Skewness([5.0, 5, 5]));
    }

    [Fact]
    public void Weighted_mean_uses_inverse_variance_weights()
    {
        // Weights 1/1 and 1/4: (1*10 + 0.25*20) / 1.25 = 12.
        Assert.Equal(12.0, Statistics.WeightedMean([10.0, 20], [1.0, 2]), 12);
    }

    [Fact]
    public void Percentiles_interpolate_linearly_between_order_statistics()
    {
        // Sorted 1, 2, 3, 4, 10: the 95th percentile sits at position 3.8, between 4 and 10.
        Assert.Equal(4 + 0.8 * 6, Statistics.Percentile(Sample, 95), 12);
        Assert.Equal(1.0, Statistics.Percentile(Sample, 0), 12);
        Assert.Equal(10.0, Statistics.Percentile(Sample, 100), 12);
    }

    [Fact]
    public void Sigma_clipping_ignores_a_bright_outlier()
    {
        var values = Enumerable.Range(0, 101).Select(i => 100.0 + (i % 7 - 3)).Append(5000).ToArray();

        var clipped = SigmaClip.Apply(values);

        Assert.Equal(100.0, clipped.Median, 12);
        Assert.Equal(101, clipped.Kept);
    }

    [Fact]
    public void Statistics_of_an_empty_sample_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Statistics.Mean([]));
    }
}

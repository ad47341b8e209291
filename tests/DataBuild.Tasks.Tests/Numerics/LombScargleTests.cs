using DataBuild.Tasks.Numerics;
using Xunit;

namespace DataBuild.Tasks.Tests.Numerics;

public class LombScargleTests
{
    [Theory]
    [InlineData(0.37)]
    [InlineData(2.9)]
    [InlineData(13.0)]
    public void The_best_period_recovers_the_injected_period_of_a_noisy_sinusoid(double period)
    {
        var rng = new SplitMix64(11);
        var t = Enumerable.Range(0, 120).Select(_ => 58000 + rng.NextDouble(0, 90)).Order().ToArray();
        var err = Enumerable.Repeat(0.05, t.Length).ToArray();
        var y = t.Select(ti => 17 + 0.3 * Math.Sin(2 * Math.PI * ti / period + 1) + 0.05 * rng.NextGaussian()).ToArray();

        var peak = LombScargle.BestPeak(t, y, err, FrequencyGrid.ForPeriods(0.2, 20, baseline: 90));

        Assert.Equal(period, peak.Period, period * 0.02);
        Assert.True(peak.Power > 0.8, $"power {peak.Power}");
    }

    [Fact]
    public void Pure_noise_has_low_power_everywhere()
    {
        var rng = new SplitMix64(12);
        var t = Enumerable.Range(0, 150).Select(_ => rng.NextDouble(0, 90)).Order().ToArray();
        var y = t.Select(_ => rng.NextGaussian()).ToArray();
        var err = Enumerable.Repeat(1.0, t.Length).ToArray();

        var peak = LombScargle.BestPeak(t, y, err, FrequencyGrid.ForPeriods(0.2, 20, baseline: 90));

        Assert.True(peak.Power < 0.2, $"power {peak.Power}");
    }

    [Fact]
    public void The_grid_spans_the_requested_periods_with_oversampled_spacing()
    {
        var grid = FrequencyGrid.ForPeriods(0.5, 10, baseline: 100, oversampling: 5);

        Assert.Equal(0.1, grid.Min, 12);
        Assert.Equal(0.002, grid.Step, 12);
        Assert.Equal(951, grid.Count);
    }
}

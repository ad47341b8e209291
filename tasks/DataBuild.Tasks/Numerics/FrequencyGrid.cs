namespace DataBuild.Tasks.Numerics;

/// <summary>An evenly spaced frequency grid (cycles per unit time): Min, Min + Step, ..., Count values.</summary>
public sealed record FrequencyGrid(double Min, double Step, int Count)
{
    public double this[int index] => Min + Step * index;

    /// <summary>
    /// Grid from shortest to longest period of interest, with spacing 1/(oversampling × baseline) so that a peak
    /// of width ~1/baseline is sampled several times. Periods in days for MJD inputs.
    /// </summary>
    public static FrequencyGrid ForPeriods(double minPeriod, double maxPeriod, double baseline, double oversampling = 5)
    {
        if (minPeriod <= 0 || maxPeriod <= minPeriod) throw new ArgumentException($"Need 0 < minPeriod < maxPeriod, got {minPeriod} and {maxPeriod}.");
        if (baseline <= 0) throw new ArgumentException($"The baseline must be positive, got {baseline}.");
        var min = 1.0 / maxPeriod;
        var step = 1.0 / (oversampling * baseline);
        // The epsilon keeps 1/minPeriod itself on the grid when rounding lands the quotient just below an integer.
        var count = (int)Math.Floor((1.0 / minPeriod - min) / step + 1e-9) + 1;
        return new FrequencyGrid(min, step, count);
    }
}

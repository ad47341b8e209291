using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.Ztf;

/// <summary>Options of feature extraction; the period search covers [MinPeriod, MaxPeriod] days.</summary>
public sealed record FeatureOptions
{
    public double MinPeriod { get; init; } = 0.2;
    public double MaxPeriod { get; init; } = 20;
    public double Oversampling { get; init; } = 5;
    /// <summary>Days. Sets the grid spacing 1/(Oversampling × GridBaseline); fixed rather than per curve so every
    /// source is searched on the same grid. The default matches the fixture's 90-day season.</summary>
    public double GridBaseline { get; init; } = 90;
}

/// <summary>Computes <see cref="SourceFeatures"/> per light curve (the "generate features" step, run per quad).</summary>
public static class FeatureExtractor
{
    /// <summary>Features of every source, in input order. Sources run in parallel; each is independent, so the output is deterministic.</summary>
    public static IReadOnlyList<SourceFeatures> Compute(IReadOnlyList<LightCurve> curves, FeatureOptions? options = null)
    {
        var result = new SourceFeatures[curves.Count];
        Parallel.For(0, curves.Count, i => result[i] = Compute(curves[i], options));
        return result;
    }

    public static SourceFeatures Compute(LightCurve curve, FeatureOptions? options = null)
    {
        options ??= new FeatureOptions();
        if (curve.Count < 3)
            throw new ArgumentException($"Source {curve.SourceId} has {curve.Count} epochs; features need at least 3. Filter short light curves first.");
        var mag = curve.Mag.AsSpan();
        var sorted = Statistics.Sorted(mag);
        var weightedMean = Statistics.WeightedMean(mag, curve.MagErr);

        var chi2 = 0.0;
        for (var i = 0; i < mag.Length; i++) chi2 += Math.Pow((mag[i] - weightedMean) / curve.MagErr[i], 2);

        var grid = FrequencyGrid.ForPeriods(options.MinPeriod, options.MaxPeriod, options.GridBaseline, options.Oversampling);
        var peak = LombScargle.BestPeak(curve.Mjd, mag, curve.MagErr, grid);

        return new SourceFeatures(
            curve.SourceId, curve.Ra, curve.Dec, curve.Count,
            Median: Statistics.PercentileOfSorted(sorted, 50),
            WeightedMean: weightedMean,
            Std: Statistics.StandardDeviation(mag),
            Mad: Statistics.MedianAbsoluteDeviation(mag),
            Skew: Statistics.Skewness(mag),
            Amplitude: 0.5 * (Statistics.PercentileOfSorted(sorted, 95) - Statistics.PercentileOfSorted(sorted, 5)),
            Chi2Reduced: chi2 / (mag.Length - 1),
            Period: peak.Period,
            PeriodPower: peak.Power);
    }
}

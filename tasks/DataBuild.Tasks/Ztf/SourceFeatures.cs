namespace DataBuild.Tasks.Ztf;

/// <summary>
/// Features of one light curve; one Parquet row per source. Magnitude statistics are in mag; Period in days;
/// PeriodPower is the generalised Lomb–Scargle power in [0, 1]. Amplitude is half the 5th–95th percentile
/// range, which unlike (max − min)/2 is not set by a single outlier. Chi2Reduced is Σ((m − weighted mean)/err)²/(n − 1):
/// about 1 for a constant source with honest errors.
/// </summary>
public sealed record SourceFeatures(
    long SourceId, double Ra, double Dec, int NObs,
    double Median, double WeightedMean, double Std, double Mad, double Skew, double Amplitude, double Chi2Reduced,
    double Period, double PeriodPower)
{
    /// <summary>Names of <see cref="ToVector"/>'s entries, stored in model files so a model cannot be fed the wrong columns.</summary>
    public static IReadOnlyList<string> VectorNames { get; } =
        ["n_obs", "median", "weighted_mean", "std", "mad", "skew", "amplitude", "log10_chi2_reduced", "log10_period", "period_power"];

    /// <summary>The classifier input. Heavy-tailed features enter as log10 so a linear model can use them.</summary>
    public double[] ToVector() =>
        [NObs, Median, WeightedMean, Std, Mad, Skew, Amplitude, Math.Log10(Math.Max(Chi2Reduced, 1e-6)), Math.Log10(Period), PeriodPower];
}

namespace DataBuild.Tasks.Numerics;

/// <summary>Summary statistics over spans. Each sorts a copy where it needs order, so inputs are never mutated.</summary>
public static class Statistics
{
    public static double Mean(ReadOnlySpan<double> x)
    {
        RequireNonEmpty(x);
        var sum = 0.0;
        foreach (var v in x) sum += v;
        return sum / x.Length;
    }

    /// <summary>Mean weighted by 1/err², the maximum-likelihood mean for Gaussian errors.</summary>
    public static double WeightedMean(ReadOnlySpan<double> x, ReadOnlySpan<double> err)
    {
        RequireNonEmpty(x);
        if (err.Length != x.Length) throw new ArgumentException($"Values ({x.Length}) and errors ({err.Length}) differ in length.");
        double sum = 0, weights = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var w = 1.0 / (err[i] * err[i]);
            sum += w * x[i];
            weights += w;
        }
        return sum / weights;
    }

    /// <summary>Sample standard deviation (n − 1 denominator); 0 for a single value.</summary>
    public static double StandardDeviation(ReadOnlySpan<double> x)
    {
        var mean = Mean(x);
        if (x.Length < 2) return 0;
        var ss = 0.0;
        foreach (var v in x) ss += (v - mean) * (v - mean);
        return Math.Sqrt(ss / (x.Length - 1));
    }

    public static double Median(ReadOnlySpan<double> x) => Percentile(x, 50);

    /// <summary>Median absolute deviation from the median, unscaled (multiply by 1.4826 for a Gaussian sigma).</summary>
    public static double MedianAbsoluteDeviation(ReadOnlySpan<double> x)
    {
        var median = Median(x);
        var deviations = new double[x.Length];
        for (var i = 0; i < x.Length; i++) deviations[i] = Math.Abs(x[i] - median);
        return Median(deviations);
    }

    /// <summary>Population skewness g1 = m3 / m2^1.5 (scipy.stats.skew default); 0 when the spread is 0.</summary>
    public static double Skewness(ReadOnlySpan<double> x)
    {
        var mean = Mean(x);
        double m2 = 0, m3 = 0;
        foreach (var v in x)
        {
            var d = v - mean;
            m2 += d * d;
            m3 += d * d * d;
        }
        m2 /= x.Length;
        m3 /= x.Length;
        return m2 == 0 ? 0 : m3 / Math.Pow(m2, 1.5);
    }

    /// <summary>Percentile with linear interpolation between order statistics (numpy's default "linear" method).</summary>
    public static double Percentile(ReadOnlySpan<double> x, double percent)
    {
        var sorted = Sorted(x);
        return PercentileOfSorted(sorted, percent);
    }

    public static double PercentileOfSorted(ReadOnlySpan<double> sorted, double percent)
    {
        RequireNonEmpty(sorted);
        if (percent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(percent), percent, "Percentile must be in [0, 100].");
        var position = percent / 100.0 * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }

    public static double[] Sorted(ReadOnlySpan<double> x)
    {
        var copy = x.ToArray();
        Array.Sort(copy);
        return copy;
    }

    private static void RequireNonEmpty(ReadOnlySpan<double> x)
    {
        if (x.IsEmpty) throw new ArgumentException("Statistics of an empty sample are undefined.");
    }
}

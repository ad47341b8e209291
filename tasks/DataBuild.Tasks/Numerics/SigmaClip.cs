namespace DataBuild.Tasks.Numerics;

/// <summary>The centre and robust spread of a sample after iteratively rejecting outliers.</summary>
public readonly record struct ClippedStatistics(double Median, double Sigma, int Kept);

/// <summary>Iterative sigma clipping around the median, with sigma from the MAD so bright outliers cannot inflate it.</summary>
public static class SigmaClip
{
    public static ClippedStatistics Apply(ReadOnlySpan<double> values, double nSigma = 3.0, int maxIterations = 5)
    {
        var kept = Statistics.Sorted(values);
        var count = kept.Length;
        double median = 0, sigma = 0;
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var current = kept.AsSpan(0, count);
            median = Statistics.PercentileOfSorted(current, 50);
            sigma = 1.4826 * Statistics.MedianAbsoluteDeviation(current);
            if (sigma == 0) break;
            var lo = median - nSigma * sigma;
            var hi = median + nSigma * sigma;
            var next = 0;
            foreach (var v in current)
                if (v >= lo && v <= hi) kept[next++] = v; // stays sorted: we only drop elements
            if (next == count) break;
            count = next;
        }
        return new ClippedStatistics(median, sigma, count);
    }
}

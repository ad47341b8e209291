namespace DataBuild.Tasks.Learning;

/// <summary>
/// Per-feature (x − mean) / scale. Fitted on training data only, and stored in the model, so inference applies
/// exactly the transform training saw. A constant feature gets scale 1 rather than a division by zero.
/// </summary>
public sealed record Standardizer(double[] Mean, double[] Scale)
{
    public static Standardizer Fit(IReadOnlyList<double[]> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("Cannot fit a standardizer to zero rows.");
        var d = rows[0].Length;
        var mean = new double[d];
        var scale = new double[d];
        foreach (var row in rows)
            for (var j = 0; j < d; j++) mean[j] += row[j];
        for (var j = 0; j < d; j++) mean[j] /= rows.Count;
        foreach (var row in rows)
            for (var j = 0; j < d; j++) scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
        for (var j = 0; j < d; j++)
        {
            var sd = Math.Sqrt(scale[j] / rows.Count);
            scale[j] = sd > 0 ? sd : 1.0;
        }
        return new Standardizer(mean, scale);
    }

    public void Apply(ReadOnlySpan<double> x, Span<double> into)
    {
        if (x.Length != Mean.Length) throw new ArgumentException($"Expected {Mean.Length} features, got {x.Length}.");
        for (var j = 0; j < x.Length; j++) into[j] = (x[j] - Mean[j]) / Scale[j];
    }
}

using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.Sweep;

/// <summary>
/// A seeded binary classification set: Gaussian features, a hidden weight vector drawn from the same seed, and
/// label 1 where w·x + noise·N(0,1) &gt; 0. Noise sets how well any model can do.
/// </summary>
public static class SyntheticDataset
{
    public static (List<double[]> X, List<int> Y) Generate(ulong seed, int samples, int features, double noise)
    {
        var rng = new SplitMix64(seed);
        var weights = Enumerable.Range(0, features).Select(_ => rng.NextGaussian()).ToArray();
        var x = new List<double[]>(samples);
        var y = new List<int>(samples);
        for (var i = 0; i < samples; i++)
        {
            var row = new double[features];
            var score = 0.0;
            for (var j = 0; j < features; j++) score += weights[j] * (row[j] = rng.NextGaussian());
            x.Add(row);
            y.Add(score + noise * rng.NextGaussian() > 0 ? 1 : 0);
        }
        return (x, y);
    }
}

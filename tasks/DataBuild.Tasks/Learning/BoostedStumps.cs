namespace DataBuild.Tasks.Learning;

/// <summary>Hyperparameters of gradient boosting with depth-1 trees on the log-loss.</summary>
public sealed record BoostedStumpsOptions
{
    public int Rounds { get; init; } = 100;
    public double LearningRate { get; init; } = 0.3;
    /// <summary>Candidate thresholds per feature: cut points at evenly spaced ranks of the sorted training values.</summary>
    public int MaxThresholds { get; init; } = 32;
    /// <summary>L2 penalty on leaf values (XGBoost's lambda); keeps tiny leaves from getting huge values.</summary>
    public double LeafL2 { get; init; } = 1.0;
}

/// <summary>One split: x[Feature] &lt; Threshold adds Left to the logit, otherwise Right.</summary>
public sealed record Stump(int Feature, double Threshold, double Left, double Right);

/// <summary>A fitted ensemble: P(y=1|x) = σ(BaseLogit + Σ stump(x)). Stumps need no feature scaling.</summary>
public sealed record BoostedStumpsModel(double BaseLogit, Stump[] Stumps) : IProbabilisticClassifier
{
    public double PredictProbability(ReadOnlySpan<double> features)
    {
        var logit = BaseLogit;
        foreach (var s in Stumps) logit += features[s.Feature] < s.Threshold ? s.Left : s.Right;
        return Sigmoid.Of(logit);
    }
}

/// <summary>
/// Newton boosting (as in XGBoost): each round fits one stump to the gradient g = y − p and hessian h = p(1 − p),
/// choosing the split that maximises G_L²/(H_L+λ) + G_R²/(H_R+λ), with leaf values G/(H+λ) shrunk by the learning rate.
/// </summary>
public static class BoostedStumps
{
    public static BoostedStumpsModel Train(IReadOnlyList<double[]> features, IReadOnlyList<int> labels, BoostedStumpsOptions? options = null)
    {
        options ??= new BoostedStumpsOptions();
        TrainingData.Validate(features, labels);
        int n = features.Count, d = features[0].Length;

        var positives = labels.Count(l => l == 1);
        var prior = Math.Clamp((double)positives / n, 1e-6, 1 - 1e-6);
        var baseLogit = Math.Log(prior / (1 - prior));
        var logits = Enumerable.Repeat(baseLogit, n).ToArray();

        // Sort each feature once; a stable sort keeps ties in row order, so results do not depend on the sort algorithm.
        var order = new int[d][];
        var thresholds = new double[d][];
        for (var j = 0; j < d; j++)
        {
            var feature = j;
            order[j] = Enumerable.Range(0, n).OrderBy(i => features[i][feature]).ToArray();
            thresholds[j] = CandidateThresholds(order[j].Select(i => features[i][feature]).ToArray(), options.MaxThresholds);
        }

        var g = new double[n];
        var h = new double[n];
        var stumps = new List<Stump>(options.Rounds);
        for (var round = 0; round < options.Rounds; round++)
        {
            double gTotal = 0, hTotal = 0;
            for (var i = 0; i < n; i++)
            {
                var p = Sigmoid.Of(logits[i]);
                gTotal += g[i] = labels[i] - p;
                hTotal += h[i] = p * (1 - p);
            }
            var best = BestSplit(features, order, thresholds, g, h, gTotal, hTotal, options.LeafL2);
            if (best is null) break;
            var (feature, threshold, gLeft, hLeft) = best.Value;
            var stump = new Stump(feature, threshold,
                options.LearningRate * gLeft / (hLeft + options.LeafL2),
                options.LearningRate * (gTotal - gLeft) / (hTotal - hLeft + options.LeafL2));
            stumps.Add(stump);
            for (var i = 0; i < n; i++) logits[i] += features[i][feature] < threshold ? stump.Left : stump.Right;
        }
        return new BoostedStumpsModel(baseLogit, [.. stumps]);
    }

    private static (int Feature, double Threshold, double GLeft, double HLeft)? BestSplit(
        IReadOnlyList<double[]> x, int[][] order, double[][] thresholds, double[] g, double[] h, double gTotal, double hTotal, double lambda)
    {
        (int, double, double, double)? best = null;
        var bestGain = gTotal * gTotal / (hTotal + lambda) + 1e-12; // a split must beat no split
        for (var j = 0; j < order.Length; j++)
        {
            double gLeft = 0, hLeft = 0;
            var next = 0;
            foreach (var threshold in thresholds[j])
            {
                while (next < order[j].Length && x[order[j][next]][j] < threshold)
                {
                    gLeft += g[order[j][next]];
                    hLeft += h[order[j][next]];
                    next++;
                }
                var gain = gLeft * gLeft / (hLeft + lambda) + (gTotal - gLeft) * (gTotal - gLeft) / (hTotal - hLeft + lambda);
                if (gain > bestGain) { bestGain = gain; best = (j, threshold, gLeft, hLeft); }
            }
        }
        return best;
    }

    /// <summary>Midpoints between distinct neighbouring values at up to <paramref name="max"/> evenly spaced ranks.</summary>
    private static double[] CandidateThresholds(double[] sorted, int max)
    {
        var cuts = new SortedSet<double>();
        for (var k = 1; k <= max; k++)
        {
            var rank = (int)((long)k * sorted.Length / (max + 1));
            if (rank <= 0 || rank >= sorted.Length) continue;
            // Move to the first index whose value differs from its predecessor, so the cut separates distinct values.
            while (rank < sorted.Length && sorted[rank] == sorted[rank - 1]) rank++;
            if (rank < sorted.Length) cuts.Add(0.5 * (sorted[rank - 1] + sorted[rank]));
        }
        return [.. cuts];
    }
}

namespace DataBuild.Tasks.Numerics;

/// <summary>Scores of predicted probabilities against 0/1 labels.</summary>
public static class ClassificationMetrics
{
    /// <summary>Fraction of examples where (probability ≥ threshold) equals the label.</summary>
    public static double Accuracy(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, double threshold = 0.5)
    {
        RequireSameLength(probabilities, labels);
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
            if ((probabilities[i] >= threshold ? 1 : 0) == labels[i]) correct++;
        return (double)correct / labels.Length;
    }

    /// <summary>
    /// Area under the ROC curve as the Mann–Whitney probability that a random positive outranks a random
    /// negative, ties counting one half. NaN when only one class is present (the AUC is undefined then).
    /// </summary>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        RequireSameLength(scores, labels);
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        var keys = scores.ToArray();
        Array.Sort(keys, order);

        // Average ranks (1-based) over tied groups, summed over positives.
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && keys[end + 1] == keys[start]) end++;
            var averageRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
                if (labels[order[k]] == 1) { positiveRankSum += averageRank; positives++; }
            start = end + 1;
        }
        long negatives = order.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    /// <summary>Mean binary cross-entropy, with probabilities clamped away from 0 and 1 so the log stays finite.</summary>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        RequireSameLength(probabilities, labels);
        var sum = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-15, 1 - 1e-15);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / labels.Length;
    }

    private static void RequireSameLength(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        if (scores.Length != labels.Length) throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.");
        if (labels.IsEmpty) throw new ArgumentException("Metrics of an empty sample are undefined.");
    }
}

namespace DataBuild.Tasks.Ztf;

/// <summary>The "combine" step: per (source, tag), the mean and max probability over algorithms.</summary>
public static class PredictionCombiner
{
    /// <summary>Rows sorted by source id, then tag (ordinal), so the output never depends on input order.</summary>
    public static IReadOnlyList<CombinedPrediction> Combine(IEnumerable<Prediction> predictions)
    {
        var rows = new List<CombinedPrediction>();
        var groups = predictions
            .GroupBy(p => (p.SourceId, p.Tag))
            .OrderBy(g => g.Key.SourceId).ThenBy(g => g.Key.Tag, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var duplicate = group.GroupBy(p => p.Algorithm).FirstOrDefault(a => a.Count() > 1);
            if (duplicate is not null)
                throw new ArgumentException($"Source {group.Key.SourceId} has {duplicate.Count()} '{duplicate.Key.Name()}' predictions for tag '{group.Key.Tag}'; " +
                                            "an inference output was probably passed twice.");
            // Sum in algorithm order so the mean is bit-identical however the inputs were ordered.
            var probabilities = group.OrderBy(p => p.Algorithm).Select(p => p.Probability).ToArray();
            rows.Add(new CombinedPrediction(group.Key.SourceId, group.Key.Tag, probabilities.Sum() / probabilities.Length, probabilities.Max(), probabilities.Length));
        }
        return rows;
    }
}

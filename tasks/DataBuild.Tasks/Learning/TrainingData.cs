namespace DataBuild.Tasks.Learning;

internal static class TrainingData
{
    /// <summary>Rejects inputs every trainer would choke on, naming the offending row.</summary>
    public static void Validate(IReadOnlyList<double[]> features, IReadOnlyList<int> labels)
    {
        if (features.Count == 0) throw new ArgumentException("Cannot train on zero examples.");
        if (features.Count != labels.Count) throw new ArgumentException($"{features.Count} feature rows but {labels.Count} labels.");
        var d = features[0].Length;
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i].Length != d) throw new ArgumentException($"Row {i} has {features[i].Length} features; row 0 has {d}.");
            if (labels[i] is not (0 or 1)) throw new ArgumentException($"Label of row {i} is {labels[i]}; labels must be 0 or 1.");
            foreach (var v in features[i])
                if (!double.IsFinite(v)) throw new ArgumentException($"Row {i} has a non-finite feature ({v}); impute or drop it before training.");
        }
    }
}

namespace DataBuild.Tasks.Ztf;

/// <summary>The "inference" step: apply one trained classifier to the features of a field (or any set of sources).</summary>
public static class Inference
{
    public static IReadOnlyList<Prediction> Predict(TrainedClassifier classifier, IReadOnlyList<SourceFeatures> features)
    {
        if (!classifier.FeatureNames.SequenceEqual(SourceFeatures.VectorNames))
            throw new ArgumentException(
                $"Model for tag '{classifier.Tag}' ({classifier.Algorithm.Name()}) expects features [{string.Join(", ", classifier.FeatureNames)}] " +
                $"but this code produces [{string.Join(", ", SourceFeatures.VectorNames)}]. Retrain the model.");
        return features
            .Select(f => new Prediction(f.SourceId, classifier.Tag, classifier.Algorithm, classifier.Model.PredictProbability(f.ToVector())))
            .ToList();
    }
}

using DataBuild.Tasks.Learning;
using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.Ztf;

/// <summary>Hyperparameters of both algorithms, and the held-out fraction.</summary>
public sealed record ClassifierTrainingOptions
{
    public double TestFraction { get; init; } = 0.25;
    public LogisticRegressionOptions LogisticRegression { get; init; } = new() { L2 = 1e-2 };
    public BoostedStumpsOptions BoostedStumps { get; init; } = new();
}

/// <summary>The "train" step: one classifier per (tag, algorithm), scored on a held-out split.</summary>
public static class ClassifierTraining
{
    /// <param name="labels">0/1 label per feature row for <paramref name="tag"/>, e.g. from <see cref="ZtfTags.Label"/>.</param>
    public static (TrainedClassifier Classifier, TrainingReport Report) Train(
        string tag, ClassifierAlgorithm algorithm, IReadOnlyList<SourceFeatures> features, IReadOnlyList<int> labels,
        ClassifierTrainingOptions? options = null)
    {
        options ??= new ClassifierTrainingOptions();
        if (features.Count != labels.Count) throw new ArgumentException($"{features.Count} feature rows but {labels.Count} labels for tag '{tag}'.");

        var train = new List<int>();
        var test = new List<int>();
        for (var i = 0; i < features.Count; i++)
            (IsHeldOut(features[i].SourceId, options.TestFraction) ? test : train).Add(i);

        var trainX = train.Select(i => features[i].ToVector()).ToList();
        var trainY = train.Select(i => labels[i]).ToList();
        IProbabilisticClassifier model = algorithm switch
        {
            ClassifierAlgorithm.LogisticRegression => Learning.LogisticRegression.Train(trainX, trainY, options.LogisticRegression),
            ClassifierAlgorithm.BoostedStumps => Learning.BoostedStumps.Train(trainX, trainY, options.BoostedStumps),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
        };
        var classifier = new TrainedClassifier(tag, algorithm, SourceFeatures.VectorNames, model);

        var probabilities = test.Select(i => model.PredictProbability(features[i].ToVector())).ToArray();
        var testLabels = test.Select(i => labels[i]).ToArray();
        var report = test.Count == 0
            ? new TrainingReport(tag, algorithm, train.Count, 0, double.NaN, double.NaN)
            : new TrainingReport(tag, algorithm, train.Count, test.Count,
                ClassificationMetrics.Accuracy(probabilities, testLabels), ClassificationMetrics.RocAuc(probabilities, testLabels));
        return (classifier, report);
    }

    /// <summary>The split depends only on the source id, so a source stays on the same side whatever else is in the set.</summary>
    public static bool IsHeldOut(long sourceId, double testFraction) =>
        SplitMix64.Mix(unchecked((ulong)sourceId)) >> 11 < testFraction * (1UL << 53);
}

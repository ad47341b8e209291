using DataBuild.Tasks.Learning;

namespace DataBuild.Tasks.Ztf;

/// <summary>A model for one (tag, algorithm), with the feature names it expects, in order.</summary>
public sealed record TrainedClassifier(string Tag, ClassifierAlgorithm Algorithm, IReadOnlyList<string> FeatureNames, IProbabilisticClassifier Model);

/// <summary>Held-out scores of a trained classifier; AUC is NaN if the held-out part has only one class.</summary>
public sealed record TrainingReport(string Tag, ClassifierAlgorithm Algorithm, int TrainCount, int TestCount, double Accuracy, double RocAuc);

namespace DataBuild.Tasks.Ztf;

/// <summary>One classifier's probability for one source; one Parquet row (algorithm as its short name, e.g. "lr").</summary>
public sealed record Prediction(long SourceId, string Tag, ClassifierAlgorithm Algorithm, double Probability);

/// <summary>The combined score of one source for one tag over the algorithms that scored it.</summary>
public sealed record CombinedPrediction(long SourceId, string Tag, double MeanProbability, double MaxProbability, int AlgorithmCount);

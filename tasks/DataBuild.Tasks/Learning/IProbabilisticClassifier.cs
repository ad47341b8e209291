namespace DataBuild.Tasks.Learning;

/// <summary>A trained binary classifier: the probability that a feature vector belongs to the positive class.</summary>
public interface IProbabilisticClassifier
{
    double PredictProbability(ReadOnlySpan<double> features);
}

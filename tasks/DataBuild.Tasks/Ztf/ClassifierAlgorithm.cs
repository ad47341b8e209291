namespace DataBuild.Tasks.Ztf;

/// <summary>The two algorithms SCoPe-style training runs per tag (there: XGBoost and a neural net; here: small real stand-ins).</summary>
public enum ClassifierAlgorithm { LogisticRegression, BoostedStumps }

public static class ClassifierAlgorithms
{
    public static IReadOnlyList<ClassifierAlgorithm> All { get; } = [ClassifierAlgorithm.LogisticRegression, ClassifierAlgorithm.BoostedStumps];

    /// <summary>Short names used in file names, model files and prediction columns ("lr", "gbs").</summary>
    public static string Name(this ClassifierAlgorithm algorithm) => algorithm switch
    {
        ClassifierAlgorithm.LogisticRegression => "lr",
        ClassifierAlgorithm.BoostedStumps => "gbs",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, null),
    };

    public static ClassifierAlgorithm Parse(string name)
    {
        foreach (var algorithm in All)
            if (algorithm.Name() == name) return algorithm;
        throw new ArgumentException($"Unknown algorithm '{name}'. Available algorithms are: {string.Join(", ", All.Select(a => a.Name()))}.");
    }
}

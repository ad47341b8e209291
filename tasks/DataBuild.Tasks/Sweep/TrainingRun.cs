using System.Text.Json.Nodes;
using DataBuild.Tasks.Learning;
using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.Sweep;

/// <summary>The scores of one run: mean log-loss and accuracy on the training and validation parts.</summary>
public sealed record RunScores(string RunId, double TrainLoss, double ValidationLoss, double TrainAccuracy, double ValidationAccuracy);

/// <summary>
/// One training run of the sweep: a logistic regression by full-batch gradient descent on a synthetic dataset.
/// Reads data.seed, data.samples, data.features, data.noise, data.validation_fraction, model.l2,
/// model.learning_rate and model.epochs; the last validation_fraction of the rows is held out.
/// </summary>
public static class TrainingRun
{
    public static RunScores Execute(RunConfig run)
    {
        var c = run.Config;
        var seed = (ulong)Read(run, c, "data", "seed");
        var samples = (int)Read(run, c, "data", "samples");
        var features = (int)Read(run, c, "data", "features");
        var noise = Read(run, c, "data", "noise");
        var validationFraction = Read(run, c, "data", "validation_fraction");
        var options = new LogisticRegressionOptions
        {
            Solver = LogisticSolver.GradientDescent,
            L2 = Read(run, c, "model", "l2"),
            LearningRate = Read(run, c, "model", "learning_rate"),
            MaxIterations = (int)Read(run, c, "model", "epochs"),
        };

        var (x, y) = SyntheticDataset.Generate(seed, samples, features, noise);
        var validationCount = (int)Math.Round(samples * validationFraction);
        var trainCount = samples - validationCount;
        if (trainCount < 2 || validationCount < 1)
            throw new ArgumentException($"Run {run.RunId} (line {run.Line}): {samples} samples with validation_fraction {validationFraction} leave {trainCount} to train on and {validationCount} to validate.");
        var model = LogisticRegression.Train(x[..trainCount], y[..trainCount], options);

        (double Loss, double Accuracy) Score(List<double[]> rows, List<int> labels)
        {
            var p = rows.Select(r => model.PredictProbability(r)).ToArray();
            return (ClassificationMetrics.LogLoss(p, labels.ToArray()), ClassificationMetrics.Accuracy(p, labels.ToArray()));
        }
        var train = Score(x[..trainCount], y[..trainCount]);
        var validation = Score(x[trainCount..], y[trainCount..]);
        return new RunScores(run.RunId, train.Loss, validation.Loss, train.Accuracy, validation.Accuracy);
    }

    private static double Read(RunConfig run, JsonObject config, string section, string key)
    {
        if (config[section] is JsonObject s && JsonNumber.Element(s[key]) is { } number) return number.GetDouble();
        throw new ArgumentException($"Run {run.RunId} (line {run.Line}): '{section}.{key}' must be a number; set it in the defaults or on the line.");
    }
}

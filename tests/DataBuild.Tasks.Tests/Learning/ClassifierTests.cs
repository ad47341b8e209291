using DataBuild.Tasks.Learning;
using DataBuild.Tasks.Numerics;
using Xunit;

namespace DataBuild.Tasks.Tests.Learning;

public class ClassifierTests
{
    /// <summary>Two clusters split by the line x0 + 2·x1 = 1, with a margin so both classes are cleanly separable.</summary>
    private static (List<double[]> X, List<int> Y) LinearlySeparable()
    {
        var rng = new SplitMix64(3);
        var x = new List<double[]>();
        var y = new List<int>();
        while (x.Count < 200)
        {
            double a = rng.NextDouble(-3, 3), b = rng.NextDouble(-3, 3), c = rng.NextDouble(-1, 1);
            var margin = a + 2 * b - 1;
            if (Math.Abs(margin) < 0.3) continue;
            x.Add([a, b, c]);
            y.Add(margin > 0 ? 1 : 0);
        }
        return (x, y);
    }

    private static double TrainingAccuracy(IProbabilisticClassifier model, List<double[]> x, List<int> y) =>
        ClassificationMetrics.Accuracy(x.Select(r => model.PredictProbability(r)).ToArray(), y.ToArray());

    [Fact]
    public void Logistic_regression_by_Newton_separates_a_linearly_separable_set()
    {
        var (x, y) = LinearlySeparable();
        var model = LogisticRegression.Train(x, y, new LogisticRegressionOptions { L2 = 1e-4 });
        Assert.Equal(1.0, TrainingAccuracy(model, x, y));
        // The weights point along the true normal (1, 2, 0) in raw units: w_j / scale_j.
        var raw = model.Weights.Select((w, j) => w / model.Standardizer.Scale[j]).ToArray();
        Assert.Equal(2.0, raw[1] / raw[0], 0.3);
    }

    [Fact]
    public void Logistic_regression_by_gradient_descent_separates_a_linearly_separable_set()
    {
        var (x, y) = LinearlySeparable();
        var model = LogisticRegression.Train(x, y, new LogisticRegressionOptions { Solver = LogisticSolver.GradientDescent, MaxIterations = 500, LearningRate = 1 });
        Assert.True(TrainingAccuracy(model, x, y) >= 0.98);
    }

    [Fact]
    public void Boosted_stumps_separate_a_linearly_separable_set()
    {
        var (x, y) = LinearlySeparable();
        var model = BoostedStumps.Train(x, y, new BoostedStumpsOptions { Rounds = 300 });
        Assert.True(TrainingAccuracy(model, x, y) >= 0.97);
    }

    [Fact]
    public void Boosted_stumps_find_a_single_threshold_in_one_round()
    {
        double[][] x = [[1.0], [2.0], [3.0], [4.0]];
        var model = BoostedStumps.Train(x, [0, 0, 1, 1], new BoostedStumpsOptions { Rounds = 1, MaxThresholds = 3 });
        var stump = Assert.Single(model.Stumps);
        Assert.Equal(new Stump(0, 2.5, stump.Left, stump.Right), stump);
        Assert.True(stump.Left < 0 && stump.Right > 0);
    }

    [Fact]
    public void Training_rejects_a_label_that_is_not_zero_or_one_and_names_the_row()
    {
        var error = Assert.Throws<ArgumentException>(() => LogisticRegression.Train([[1.0], [2.0]], [0, 2]));
        Assert.Contains("row 1", error.Message);
    }
}

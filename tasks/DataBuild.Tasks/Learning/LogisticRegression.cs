using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.Learning;

public enum LogisticSolver { Newton, GradientDescent }

/// <summary>Hyperparameters. The objective is mean log-loss + (L2 / 2)·|w|² on standardised features; the bias is not penalised.</summary>
public sealed record LogisticRegressionOptions
{
    public double L2 { get; init; } = 1e-3;
    public LogisticSolver Solver { get; init; } = LogisticSolver.Newton;
    /// <summary>Newton iterations, or gradient-descent epochs (full batch).</summary>
    public int MaxIterations { get; init; } = 50;
    /// <summary>Gradient descent only.</summary>
    public double LearningRate { get; init; } = 0.5;
    /// <summary>Newton stops when the largest parameter step falls below this.</summary>
    public double Tolerance { get; init; } = 1e-10;
}

/// <summary>A fitted logistic regression: P(y=1|x) = σ(b + w·standardise(x)).</summary>
public sealed record LogisticRegressionModel(Standardizer Standardizer, double[] Weights, double Bias) : IProbabilisticClassifier
{
    public double PredictProbability(ReadOnlySpan<double> features)
    {
        Span<double> z = stackalloc double[Weights.Length];
        Standardizer.Apply(features, z);
        var logit = Bias;
        for (var j = 0; j < z.Length; j++) logit += Weights[j] * z[j];
        return Sigmoid.Of(logit);
    }
}

public static class LogisticRegression
{
    public static LogisticRegressionModel Train(IReadOnlyList<double[]> features, IReadOnlyList<int> labels, LogisticRegressionOptions? options = null)
    {
        options ??= new LogisticRegressionOptions();
        TrainingData.Validate(features, labels);
        var standardizer = Standardizer.Fit(features);
        var x = features.Select(row => { var z = new double[row.Length]; standardizer.Apply(row, z); return z; }).ToArray();
        // Parameters θ = [w_0 .. w_{d-1}, b]; the bias sits last so the L2 term skips it.
        var d = x[0].Length;
        var theta = new double[d + 1];
        if (options.Solver == LogisticSolver.Newton) Newton(x, labels, theta, options);
        else GradientDescent(x, labels, theta, options);
        return new LogisticRegressionModel(standardizer, theta[..d], theta[d]);
    }

    private static void Newton(double[][] x, IReadOnlyList<int> y, double[] theta, LogisticRegressionOptions options)
    {
        int n = x.Length, d = theta.Length - 1;
        for (var iteration = 0; iteration < options.MaxIterations; iteration++)
        {
            var gradient = new double[d + 1];
            var hessian = new double[d + 1, d + 1];
            for (var i = 0; i < n; i++)
            {
                var p = Predict(x[i], theta);
                var r = (p - y[i]) / n;
                var h = p * (1 - p) / n;
                for (var a = 0; a <= d; a++)
                {
                    var xa = a < d ? x[i][a] : 1.0;
                    gradient[a] += r * xa;
                    for (var b = 0; b <= a; b++) hessian[a, b] += h * xa * (b < d ? x[i][b] : 1.0);
                }
            }
            for (var a = 0; a <= d; a++)
            {
                for (var b = 0; b < a; b++) hessian[b, a] = hessian[a, b];
                if (a < d) { gradient[a] += options.L2 * theta[a]; hessian[a, a] += options.L2; }
                else hessian[a, a] += 1e-12; // keeps separable data solvable when L2 is 0
            }
            var step = Cholesky.Solve(hessian, gradient);
            var largest = 0.0;
            for (var a = 0; a <= d; a++) { theta[a] -= step[a]; largest = Math.Max(largest, Math.Abs(step[a])); }
            if (largest < options.Tolerance) break;
        }
    }

    private static void GradientDescent(double[][] x, IReadOnlyList<int> y, double[] theta, LogisticRegressionOptions options)
    {
        int n = x.Length, d = theta.Length - 1;
        var gradient = new double[d + 1];
        for (var epoch = 0; epoch < options.MaxIterations; epoch++)
        {
            Array.Clear(gradient);
            for (var i = 0; i < n; i++)
            {
                var r = (Predict(x[i], theta) - y[i]) / n;
                for (var a = 0; a < d; a++) gradient[a] += r * x[i][a];
                gradient[d] += r;
            }
            for (var a = 0; a < d; a++) gradient[a] += options.L2 * theta[a];
            for (var a = 0; a <= d; a++) theta[a] -= options.LearningRate * gradient[a];
        }
    }

    private static double Predict(double[] z, double[] theta)
    {
        var logit = theta[^1];
        for (var j = 0; j < z.Length; j++) logit += theta[j] * z[j];
        return Sigmoid.Of(logit);
    }
}

namespace DataBuild.Tasks.Learning;

internal static class Sigmoid
{
    /// <summary>The logistic function, written so neither branch overflows for large |z|.</summary>
    public static double Of(double z) => z >= 0 ? 1.0 / (1.0 + Math.Exp(-z)) : Math.Exp(z) / (1.0 + Math.Exp(z));
}

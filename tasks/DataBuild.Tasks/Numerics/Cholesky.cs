namespace DataBuild.Tasks.Numerics;

/// <summary>Solves A x = b for a small symmetric positive-definite A (the Newton and ridge normal equations).</summary>
public static class Cholesky
{
    /// <param name="a">Row-major n×n matrix; not modified.</param>
    public static double[] Solve(double[,] a, ReadOnlySpan<double> b)
    {
        var n = b.Length;
        if (a.GetLength(0) != n || a.GetLength(1) != n) throw new ArgumentException($"Matrix is {a.GetLength(0)}×{a.GetLength(1)} but the right-hand side has {n} entries.");
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var sum = a[i, j];
                for (var k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                if (i == j)
                {
                    if (sum <= 0) throw new InvalidOperationException($"Matrix is not positive definite (pivot {i} is {sum}); add L2 regularisation.");
                    l[i, i] = Math.Sqrt(sum);
                }
                else l[i, j] = sum / l[j, j];
            }
        }
        var z = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = b[i];
            for (var k = 0; k < i; k++) sum -= l[i, k] * z[k];
            z[i] = sum / l[i, i];
        }
        var x = new double[n];
        for (var i = n - 1; i >= 0; i--)
        {
            var sum = z[i];
            for (var k = i + 1; k < n; k++) sum -= l[k, i] * x[k];
            x[i] = sum / l[i, i];
        }
        return x;
    }
}

namespace DataBuild.Tasks.Numerics;

/// <summary>The strongest peak of a periodogram: its frequency, period (1/frequency) and normalised power in [0, 1].</summary>
public readonly record struct PeriodogramPeak(double Frequency, double Period, double Power);

/// <summary>
/// The generalised Lomb–Scargle periodogram (Zechmeister &amp; Kürster 2009): a weighted sinusoid-plus-offset fit
/// at each frequency, power = fraction of weighted variance explained. O(epochs × frequencies), with cos/sin
/// advanced by a rotation per frequency step instead of calling the trig functions in the inner loop.
/// </summary>
public static class LombScargle
{
    public static PeriodogramPeak BestPeak(ReadOnlySpan<double> t, ReadOnlySpan<double> y, ReadOnlySpan<double> err, FrequencyGrid grid)
    {
        var power = new double[grid.Count];
        Compute(t, y, err, grid, power);
        var best = 0;
        for (var k = 1; k < power.Length; k++)
            if (power[k] > power[best]) best = k; // strict: the lowest frequency wins ties
        var frequency = grid[best];
        return new PeriodogramPeak(frequency, 1.0 / frequency, power[best]);
    }

    /// <summary>Fills <paramref name="power"/> (length grid.Count) with the normalised power at each grid frequency.</summary>
    public static void Compute(ReadOnlySpan<double> t, ReadOnlySpan<double> y, ReadOnlySpan<double> err, FrequencyGrid grid, Span<double> power)
    {
        var n = t.Length;
        if (y.Length != n || err.Length != n) throw new ArgumentException($"Times ({n}), values ({y.Length}) and errors ({err.Length}) differ in length.");
        if (power.Length != grid.Count) throw new ArgumentException($"Power buffer has {power.Length} slots for {grid.Count} frequencies.");
        if (n < 3) { power.Clear(); return; }

        // Normalised weights, and times relative to the first epoch so the phase stays well conditioned.
        var w = new double[n];
        var sumW = 0.0;
        for (var i = 0; i < n; i++) sumW += w[i] = 1.0 / (err[i] * err[i]);
        double meanY = 0;
        for (var i = 0; i < n; i++) meanY += (w[i] /= sumW) * y[i];
        var yy = 0.0;
        var dy = new double[n];
        for (var i = 0; i < n; i++) { dy[i] = y[i] - meanY; yy += w[i] * dy[i] * dy[i]; }
        if (yy == 0) { power.Clear(); return; }

        // Per-epoch phasor at the current frequency (cos, sin), and the per-step rotation.
        var cos = new double[n];
        var sin = new double[n];
        var stepCos = new double[n];
        var stepSin = new double[n];
        for (var i = 0; i < n; i++)
        {
            var dt = t[i] - t[0];
            cos[i] = Math.Cos(2 * Math.PI * grid.Min * dt);
            sin[i] = Math.Sin(2 * Math.PI * grid.Min * dt);
            stepCos[i] = Math.Cos(2 * Math.PI * grid.Step * dt);
            stepSin[i] = Math.Sin(2 * Math.PI * grid.Step * dt);
        }

        for (var k = 0; k < grid.Count; k++)
        {
            // dy has zero weighted mean, so Σw·dy·cos is already the centred YC of the paper.
            double c = 0, s = 0, cc = 0, cs = 0, yc = 0, ys = 0;
            for (var i = 0; i < n; i++)
            {
                double ci = cos[i], si = sin[i], wi = w[i];
                double wc = wi * ci, ws = wi * si;
                c += wc; s += ws;
                cc += wc * ci; cs += wc * si;
                yc += wc * dy[i]; ys += ws * dy[i];
                cos[i] = ci * stepCos[i] - si * stepSin[i];
                sin[i] = si * stepCos[i] + ci * stepSin[i];
            }
            var ss = 1.0 - cc - s * s;
            cc -= c * c;
            cs -= c * s;
            var d = cc * ss - cs * cs;
            power[k] = d <= 1e-12 ? 0 : (ss * yc * yc + cc * ys * ys - 2 * cs * yc * ys) / (yy * d);
        }
    }
}

using System.Runtime.Intrinsics;

namespace DataBuild.Tasks.Numerics;

/// <summary>The strongest peak of a periodogram: its frequency, period (1/frequency) and normalised power in [0, 1].</summary>
public readonly record struct PeriodogramPeak(double Frequency, double Period, double Power);

/// <summary>
/// The generalised Lomb–Scargle periodogram (Zechmeister &amp; Kürster 2009): a weighted sinusoid-plus-offset fit
/// at each frequency, power = fraction of weighted variance explained. O(epochs × frequencies), with cos/sin
/// advanced by a rotation per frequency step instead of calling the trig functions in the inner loop, four epochs at a time.
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

        // Arrays are padded to whole vectors with zero-weight epochs, which add nothing to any sum.
        var padded = (n + Lanes - 1) / Lanes * Lanes;
        var weight = new double[padded];
        var weightedY = new double[padded];

        // Normalised weights; times count from the first epoch so the phase stays well conditioned.
        var sumW = 0.0;
        for (var i = 0; i < n; i++) sumW += weight[i] = 1.0 / (err[i] * err[i]);
        double meanY = 0;
        for (var i = 0; i < n; i++) meanY += (weight[i] /= sumW) * y[i];
        var yy = 0.0;
        for (var i = 0; i < n; i++)
        {
            var dy = y[i] - meanY;
            yy += weight[i] * dy * dy;
            weightedY[i] = weight[i] * dy;
        }
        if (yy == 0) { power.Clear(); return; }

        // Per-epoch phasor at the current frequency (cos, sin) and its per-step rotation, four epochs per block.
        var blocks = new EpochBlock[padded / Lanes];
        Span<double> lane = stackalloc double[Lanes * 6];
        for (var b = 0; b < blocks.Length; b++)
        {
            for (var l = 0; l < Lanes; l++)
            {
                var i = b * Lanes + l;
                var dt = i < n ? t[i] - t[0] : 0;
                lane[l] = Math.Cos(2 * Math.PI * grid.Min * dt);
                lane[Lanes + l] = Math.Sin(2 * Math.PI * grid.Min * dt);
                lane[2 * Lanes + l] = Math.Cos(2 * Math.PI * grid.Step * dt);
                lane[3 * Lanes + l] = Math.Sin(2 * Math.PI * grid.Step * dt);
                lane[4 * Lanes + l] = weight[i];
                lane[5 * Lanes + l] = weightedY[i];
            }
            blocks[b] = new EpochBlock
            {
                Cos = Vector256.Create(lane[..4]), Sin = Vector256.Create(lane[4..8]),
                StepCos = Vector256.Create(lane[8..12]), StepSin = Vector256.Create(lane[12..16]),
                Weight = Vector256.Create(lane[16..20]), WeightedY = Vector256.Create(lane[20..24]),
            };
        }

        for (var k = 0; k < grid.Count; k++)
        {
            // weightedY has zero sum, so Σ w·dy·cos is already the centred YC of the paper.
            Vector256<double> c = default, s = default, cc = default, cs = default, yc = default, ys = default;
            foreach (ref var block in blocks.AsSpan())
            {
                var ci = block.Cos;
                var si = block.Sin;
                var wc = block.Weight * ci;
                c += wc;
                s += block.Weight * si;
                cc += wc * ci;
                cs += wc * si;
                yc += block.WeightedY * ci;
                ys += block.WeightedY * si;
                block.Cos = ci * block.StepCos - si * block.StepSin;
                block.Sin = si * block.StepCos + ci * block.StepSin;
            }
            power[k] = Power(Sum(c), Sum(s), Sum(cc), Sum(cs), Sum(yc), Sum(ys), yy);
        }
    }

    private struct EpochBlock
    {
        public Vector256<double> Cos, Sin, StepCos, StepSin, Weight, WeightedY;
    }

    private static double Power(double c, double s, double cc, double cs, double yc, double ys, double yy)
    {
        var ss = 1.0 - cc - s * s;
        cc -= c * c;
        cs -= c * s;
        var d = cc * ss - cs * cs;
        return d <= 1e-12 ? 0 : (ss * yc * yc + cc * ys * ys - 2 * cs * yc * ys) / (yy * d);
    }

    // Vector256 rather than Vector<T>: a fixed width and a fixed reduction order give the same bits on every
    // machine (software-emulated where AVX is missing), where Vector<T>'s width varies with the CPU.
    private const int Lanes = 4;

    private static double Sum(Vector256<double> v) => (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));
}

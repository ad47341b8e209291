using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.Ztf;

/// <summary>
/// Draws one light curve of a given class from its own random stream. Magnitudes and errors are rounded to
/// 0.1 mmag: the Gaussian noise goes through Math.Log/Math.Cos, whose last bit may differ between platforms,
/// and rounding makes such a difference vanish in practice.
/// </summary>
internal static class LightCurveSimulator
{
    public static SyntheticSource Simulate(long sourceId, double ra, double dec, VariabilityClass truth, SplitMix64 rng, ZtfFixtureSpec spec)
    {
        var epochs = rng.NextInt(spec.MinEpochs, spec.MaxEpochs);
        var mjd = new double[epochs];
        for (var i = 0; i < epochs; i++)
            mjd[i] = spec.StartMjd + Math.Floor(rng.NextDouble() * spec.Baseline) + 0.15 + 0.3 * rng.NextDouble(); // night + time of night
        Array.Sort(mjd);

        var baseMag = rng.NextDouble(14.0, 20.5);
        var signal = new double[epochs];
        double? period = null;
        switch (truth)
        {
            case VariabilityClass.Periodic:
                period = Math.Exp(rng.NextDouble(Math.Log(spec.MinPeriod), Math.Log(spec.MaxPeriod)));
                var amplitude = rng.NextDouble(0.15, 0.5);
                var phase = rng.NextDouble(0, 2 * Math.PI);
                for (var i = 0; i < epochs; i++)
                {
                    var angle = 2 * Math.PI * mjd[i] / period.Value + phase;
                    signal[i] = amplitude * (Math.Sin(angle) + 0.3 * Math.Sin(2 * angle)); // a harmonic makes it less than a pure sine
                }
                break;
            case VariabilityClass.Irregular:
                // Damped random walk (Ornstein–Uhlenbeck), the usual model of stochastic variability.
                var tau = rng.NextDouble(5, 30);
                var sigma = rng.NextDouble(0.15, 0.4);
                signal[0] = sigma * rng.NextGaussian();
                for (var i = 1; i < epochs; i++)
                {
                    var decay = Math.Exp(-(mjd[i] - mjd[i - 1]) / tau);
                    signal[i] = signal[i - 1] * decay + sigma * Math.Sqrt(1 - decay * decay) * rng.NextGaussian();
                }
                break;
        }

        var mag = new double[epochs];
        var err = new double[epochs];
        for (var i = 0; i < epochs; i++)
        {
            var trueMag = baseMag + signal[i];
            err[i] = Math.Round(0.008 + 0.03 * Math.Pow(10, 0.4 * (trueMag - 19)), 4);
            mag[i] = Math.Round(trueMag + err[i] * rng.NextGaussian(), 4);
        }
        return new SyntheticSource(new LightCurve(sourceId, ra, dec, mjd, mag, err), truth, period);
    }

    public static VariabilityClass DrawClass(SplitMix64 rng, ZtfFixtureSpec spec)
    {
        var u = rng.NextDouble();
        return u < spec.PeriodicFraction ? VariabilityClass.Periodic
            : u < spec.PeriodicFraction + spec.IrregularFraction ? VariabilityClass.Irregular
            : VariabilityClass.Constant;
    }
}

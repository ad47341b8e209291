namespace DataBuild.Bench.Parquet;

/// <summary>
/// A synthetic light-curve table, the same for every tool and every run: a seeded <see cref="Random"/>, sources of
/// 500 to 1500 epochs (about 1000 on average) whose rows are contiguous, positions jittered by 0.1" around the
/// source's, mjd increasing within a source, mag a float32 as survey catalogs store it. (Also compiled into the
/// throwaway harness that measured the old codec, so that both ran on the same rows.)
/// </summary>
public sealed class LightCurves
{
    public required long[] SourceId { get; init; }
    public required double[] Ra { get; init; }
    public required double[] Dec { get; init; }
    public required double[] Mjd { get; init; }
    public required float[] Mag { get; init; }
    public required double[] MagErr { get; init; }

    public int Rows => SourceId.Length;

    public static LightCurves Generate(int rows, int seed = 42)
    {
        var random = new Random(seed);
        var sourceId = new long[rows];
        var ra = new double[rows];
        var dec = new double[rows];
        var mjd = new double[rows];
        var mag = new float[rows];
        var magErr = new double[rows];
        const double Jitter = 0.1 / 3600;
        var row = 0;
        for (long source = 0; row < rows; source++)
        {
            var epochs = Math.Min(rows - row, 500 + random.Next(1001));
            var id = 1_000_000_000_000L + source * 1_000_003L;
            var ra0 = random.NextDouble() * 360;
            var dec0 = Math.Asin(2 * random.NextDouble() - 1) * 180 / Math.PI;
            var mag0 = 14 + 7 * random.NextDouble();
            var amplitude = 0.5 * random.NextDouble();
            var period = 0.1 + 10 * random.NextDouble();
            var t = 58_200 + 10 * random.NextDouble();
            var cosDec = Math.Max(Math.Cos(dec0 * Math.PI / 180), 1e-3);
            for (var e = 0; e < epochs; e++, row++)
            {
                t += 0.02 + 3 * random.NextDouble();
                var err = 0.005 + 0.02 * Math.Pow(10, 0.4 * (mag0 - 19));
                sourceId[row] = id;
                ra[row] = ra0 + Gaussian(random) * Jitter / cosDec;
                dec[row] = dec0 + Gaussian(random) * Jitter;
                mjd[row] = t;
                mag[row] = (float)(mag0 + amplitude * Math.Sin(2 * Math.PI * t / period) + err * Gaussian(random));
                magErr[row] = err * (1 + 0.1 * Gaussian(random));
            }
        }
        return new LightCurves { SourceId = sourceId, Ra = ra, Dec = dec, Mjd = mjd, Mag = mag, MagErr = magErr };
    }

    /// <summary>The column sums every read must reproduce, summed in row order.</summary>
    public Sums ExpectedSums() => Sums.Of(SourceId, Ra, Dec, Mjd, Mag, MagErr);

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}

/// <summary>Sums of the six columns (source_id exactly, the others as doubles) and the row count.</summary>
public sealed record Sums(long Rows, long SourceId, double Ra, double Dec, double Mjd, double Mag, double MagErr)
{
    public static Sums Of(long[] sourceId, double[] ra, double[] dec, double[] mjd, float[] mag, double[] magErr)
    {
        long s = 0;
        double r = 0, d = 0, t = 0, m = 0, e = 0;
        for (var i = 0; i < sourceId.Length; i++)
        {
            s += sourceId[i];
            r += ra[i];
            d += dec[i];
            t += mjd[i];
            m += mag[i];
            e += magErr[i];
        }
        return new Sums(sourceId.Length, s, r, d, t, m, e);
    }

    /// <summary>Throws unless <paramref name="other"/> has the same row count and source_id sum, and the same
    /// floating-point sums to 1e-9 relative (DuckDB sums in its own order, over threads).</summary>
    public void Check(Sums other, string what)
    {
        var wrong = new List<string>();
        if (other.Rows != Rows) wrong.Add($"rows {other.Rows} != {Rows}");
        if (other.SourceId != SourceId) wrong.Add($"sum(source_id) {other.SourceId} != {SourceId}");
        Near("ra", other.Ra, Ra);
        Near("dec", other.Dec, Dec);
        Near("mjd", other.Mjd, Mjd);
        Near("mag", other.Mag, Mag);
        Near("magerr", other.MagErr, MagErr);
        if (wrong.Count > 0)
            throw new InvalidDataException($"{what}: values differ from the generated rows: {string.Join("; ", wrong)}");

        void Near(string column, double got, double expected)
        {
            if (!(Math.Abs(got - expected) <= 1e-9 * Math.Max(1, Math.Abs(expected))))
                wrong.Add($"sum({column}) {got:R} != {expected:R}");
        }
    }
}

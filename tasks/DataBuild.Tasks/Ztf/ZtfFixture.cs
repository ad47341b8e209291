using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.Ztf;

/// <summary>
/// Tiny ZTF-like light curves for any field, deterministic from a seed. Every quadrant and every source draws
/// from its own stream keyed by (seed, field, ccd, quad[, index]), so generating one quad alone gives exactly
/// the data it has inside its whole field. Sky positions follow a made-up field grid, not the real ZTF one.
/// </summary>
public static class ZtfFixture
{
    public const ulong DefaultSeed = 20240296;

    private const double QuadSizeDeg = 0.85;

    public static IReadOnlyList<QuadLightCurves> GenerateField(int field, ulong seed = DefaultSeed, ZtfFixtureSpec? spec = null) =>
        QuadId.AllOf(field).Select(quad => GenerateQuad(quad, seed, spec)).ToList();

    public static QuadLightCurves GenerateQuad(QuadId quad, ulong seed = DefaultSeed, ZtfFixtureSpec? spec = null)
    {
        spec ??= new ZtfFixtureSpec();
        var rng = SplitMix64.ForKey(seed, quad.Field, quad.Ccd, quad.Quadrant);
        if (rng.NextBool(spec.EmptyQuadFraction)) return new QuadLightCurves(quad, []);

        var (ra0, dec0) = QuadCentre(quad);
        var count = rng.NextInt(spec.MinSources, spec.MaxSources);
        var sources = new SyntheticSource[count];
        for (var index = 0; index < count; index++)
        {
            var sourceRng = SplitMix64.ForKey(seed, quad.Field, quad.Ccd, quad.Quadrant, index);
            var dec = dec0 + sourceRng.NextDouble(-0.5, 0.5) * QuadSizeDeg;
            var ra = ra0 + sourceRng.NextDouble(-0.5, 0.5) * QuadSizeDeg / Math.Cos(dec0 * Math.PI / 180);
            var truth = LightCurveSimulator.DrawClass(sourceRng, spec);
            sources[index] = LightCurveSimulator.Simulate(quad.SourceId(index), Math.Round(ra, 7), Math.Round(dec, 7), truth, sourceRng, spec);
        }
        return new QuadLightCurves(quad, sources);
    }

    /// <summary>Quadrants tile a 8×8 grid of 0.85° cells around a field centre derived from the field number.</summary>
    private static (double Ra, double Dec) QuadCentre(QuadId quad)
    {
        var fieldRa = quad.Field * 37 % 360 + 0.5;
        var fieldDec = -25.0 + quad.Field * 11 % 90;
        int column = (quad.Ccd - 1) % 4 * 2 + (quad.Quadrant - 1) % 2;
        int row = (quad.Ccd - 1) / 4 * 2 + (quad.Quadrant - 1) / 2;
        var dec = fieldDec + (row - 3.5) * QuadSizeDeg;
        var ra = fieldRa + (column - 3.5) * QuadSizeDeg / Math.Cos(fieldDec * Math.PI / 180);
        return ((ra % 360 + 360) % 360, dec);
    }
}

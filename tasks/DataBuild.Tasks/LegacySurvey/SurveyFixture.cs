using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>What the fixture injected, for tests to compare measurements against.</summary>
public sealed record ExposureTruth(int ExposureId, double Zeropoint, double FwhmPixels);
public sealed record CcdTruth(int ExposureId, int Ccd, double Sky);

/// <summary>A generated survey: the reference catalog, the exposures, and the truth behind them.</summary>
public sealed record SyntheticSurvey(
    IReadOnlyList<ReferenceStar> ReferenceCatalog, IReadOnlyList<Exposure> Exposures,
    IReadOnlyList<ExposureTruth> ExposureTruths, IReadOnlyList<CcdTruth> CcdTruths);

/// <summary>Knobs of the synthetic survey; defaults give 3 exposures × 4 CCDs of 64×64 pixels near a brick corner.</summary>
public sealed record SurveyFixtureSpec
{
    /// <summary>On a brick-column boundary of the row above Dec 2.25.</summary>
    public double Ra { get; init; } = BrickGrid.At(152.0, 2.3).RaMin;
    /// <summary>On a brick-row boundary, so CCDs straddle two rows of bricks.</summary>
    public double Dec { get; init; } = 2.25;
    public int Exposures { get; init; } = 3;
    /// <summary>CCDs per exposure, laid out 2 per row.</summary>
    public int CcdsPerExposure { get; init; } = 4;
    public int CcdSize { get; init; } = 64;
    public int CcdGap { get; init; } = 4;
    /// <summary>Coarse (real DECam: 0.262") so a 64-pixel CCD spans 0.1° and a few CCDs reach across bricks.</summary>
    public double PixelScaleArcsec { get; init; } = 6;
    public double DitherDeg { get; init; } = 0.03;
    public int ReferenceStars { get; init; } = 200;
    /// <summary>Half-size of the box the reference stars fill; covers all CCDs of all dithers.</summary>
    public double ReferenceRadiusDeg { get; init; } = 0.25;
    /// <summary>8 pixels: beyond a 5-pixel aperture plus the PSF wings, so neighbours barely leak into apertures.</summary>
    public double MinSeparationArcsec { get; init; } = 48;
    public double BrightestMag { get; init; } = 14;
    public double FaintestMag { get; init; } = 19;
    public double MinFwhmPixels { get; init; } = 2.2;
    public double MaxFwhmPixels { get; init; } = 3.2;
    public double ReadNoise { get; init; } = 5;
}

/// <summary>
/// Renders Gaussian-PSF reference stars onto CCDs with sky and Gaussian noise (Poisson variance at gain 1 plus read
/// noise). Each exposure gets its own zeropoint and seeing, each CCD its own sky level. Deterministic from the seed.
/// </summary>
public static class SurveyFixture
{
    public const ulong DefaultSeed = 9;

    public static SyntheticSurvey Generate(ulong seed = DefaultSeed, SurveyFixtureSpec? spec = null)
    {
        spec ??= new SurveyFixtureSpec();
        var reference = ReferenceCatalog(seed, spec);
        var exposures = new List<Exposure>();
        var exposureTruths = new List<ExposureTruth>();
        var ccdTruths = new List<CcdTruth>();
        for (var e = 0; e < spec.Exposures; e++)
        {
            var exposureId = 1000 + e;
            var rng = SplitMix64.ForKey(seed, 2, exposureId);
            var ra = spec.Ra + rng.NextDouble(-1, 1) * spec.DitherDeg / Math.Cos(spec.Dec * SkyMath.DegToRad);
            var dec = spec.Dec + rng.NextDouble(-1, 1) * spec.DitherDeg;
            var truth = new ExposureTruth(exposureId, Math.Round(rng.NextDouble(26.0, 26.6), 4), Math.Round(rng.NextDouble(spec.MinFwhmPixels, spec.MaxFwhmPixels), 4));
            var ccds = new List<CcdImage>();
            for (var ccd = 1; ccd <= spec.CcdsPerExposure; ccd++)
            {
                var sky = Math.Round(rng.NextDouble(150, 300), 2);
                var wcs = CcdWcs(ra, dec, ccd, spec);
                ccds.Add(Render(exposureId, ccd, wcs, reference, truth, sky, SplitMix64.ForKey(seed, 3, exposureId, ccd), spec));
                ccdTruths.Add(new CcdTruth(exposureId, ccd, sky));
            }
            exposures.Add(new Exposure(exposureId, ra, dec, ccds));
            exposureTruths.Add(truth);
        }
        return new SyntheticSurvey(reference, exposures, exposureTruths, ccdTruths);
    }

    private static List<ReferenceStar> ReferenceCatalog(ulong seed, SurveyFixtureSpec spec)
    {
        var rng = SplitMix64.ForKey(seed, 1);
        var stars = new List<ReferenceStar>();
        var cosDec = Math.Cos(spec.Dec * SkyMath.DegToRad);
        for (var attempt = 0; stars.Count < spec.ReferenceStars && attempt < 100 * spec.ReferenceStars; attempt++)
        {
            var dec = spec.Dec + rng.NextDouble(-1, 1) * spec.ReferenceRadiusDeg;
            var ra = spec.Ra + rng.NextDouble(-1, 1) * spec.ReferenceRadiusDeg / cosDec;
            var mag = rng.NextDouble(spec.BrightestMag, spec.FaintestMag);
            // Keep stars apart so the fixture has no blends; deblending is out of scope.
            if (stars.Any(s => SkyMath.SeparationDeg(s.Ra, s.Dec, ra, dec) * SkyMath.ArcsecPerDeg < spec.MinSeparationArcsec)) continue;
            stars.Add(new ReferenceStar(stars.Count + 1, Math.Round(ra, 7), Math.Round(dec, 7), Math.Round(mag, 3)));
        }
        return stars;
    }

    /// <summary>All CCDs of an exposure share its tangent point; each sits at its place in a 2-wide focal-plane grid.</summary>
    private static TangentPlaneWcs CcdWcs(double ra, double dec, int ccd, SurveyFixtureSpec spec)
    {
        int column = (ccd - 1) % 2, row = (ccd - 1) / 2, rows = (spec.CcdsPerExposure + 1) / 2;
        var pitch = spec.CcdSize + spec.CcdGap;
        // Pixel coordinates of the tangent point in this CCD's frame.
        var crPix1 = pitch - column * pitch - 0.5 * spec.CcdGap - 0.5;
        var crPix2 = rows * pitch / 2.0 - row * pitch - 0.5 * spec.CcdGap - 0.5;
        return TangentPlaneWcs.NorthUp(ra, dec, crPix1, crPix2, spec.PixelScaleArcsec);
    }

    private static CcdImage Render(int exposureId, int ccd, TangentPlaneWcs wcs, IReadOnlyList<ReferenceStar> stars,
        ExposureTruth truth, double sky, SplitMix64 rng, SurveyFixtureSpec spec)
    {
        int size = spec.CcdSize;
        var model = new double[size * size];
        Array.Fill(model, sky);
        var sigma = truth.FwhmPixels / (2 * Math.Sqrt(2 * Math.Log(2)));
        var reach = (int)Math.Ceiling(6 * sigma);
        foreach (var star in stars)
        {
            var (cx, cy) = wcs.SkyToPixel(star.Ra, star.Dec);
            if (double.IsNaN(cx) || cx < -reach || cy < -reach || cx > size + reach || cy > size + reach) continue;
            var flux = Math.Pow(10, -0.4 * (star.Mag - truth.Zeropoint));
            // Point-sampled at pixel centres: for σ ≳ 1 pixel the samples sum to the flux to better than 1e-6.
            var norm = flux / (2 * Math.PI * sigma * sigma);
            for (var y = Math.Max(0, (int)cy - reach); y <= Math.Min(size - 1, (int)cy + reach); y++)
                for (var x = Math.Max(0, (int)cx - reach); x <= Math.Min(size - 1, (int)cx + reach); x++)
                    model[y * size + x] += norm * Math.Exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * sigma * sigma));
        }
        var pixels = new float[size * size];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (float)Math.Round(model[i] + Math.Sqrt(model[i] + spec.ReadNoise * spec.ReadNoise) * rng.NextGaussian(), 2);
        return new CcdImage(exposureId, ccd, size, size, pixels, wcs);
    }
}

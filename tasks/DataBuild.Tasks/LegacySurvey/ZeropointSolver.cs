using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>An exposure's photometric zeropoint: mag = Zeropoint − 2.5·log10(counts). Scatter is the robust (1.4826·MAD) spread over stars.</summary>
public sealed record ExposureZeropoint(int ExposureId, double Zeropoint, double Scatter, int MatchedStars);

public sealed record ZeropointOptions
{
    public double MatchRadiusArcsec { get; init; } = 3;
    /// <summary>Faint stars add noise, not information, to the median.</summary>
    public double MinSignalToNoise { get; init; } = 20;
    public DetectionOptions Detection { get; init; } = new();
}

/// <summary>
/// The "zeropoints" step for one exposure: on each CCD estimate the sky, detect and aperture-measure sources,
/// match them to the reference catalog, and take the median of ref_mag + 2.5·log10(flux) over all matched stars.
/// </summary>
public static class ZeropointSolver
{
    public static ExposureZeropoint Solve(Exposure exposure, IReadOnlyList<ReferenceStar> reference, ZeropointOptions? options = null)
    {
        options ??= new ZeropointOptions();
        var referencePositions = reference.Select(r => (r.Ra, r.Dec)).ToList();
        var estimates = new List<double>();
        foreach (var ccd in exposure.Ccds)
        {
            var (sky, sigma) = CcdCalibrator.SkyLevel(ccd);
            var stars = SourceDetector.Detect(ccd, sky, sigma, options.Detection).Where(d => d.SignalToNoise >= options.MinSignalToNoise).ToList();
            var positions = stars.Select(d => ccd.Wcs.PixelToSky(d.X, d.Y)).ToList();
            foreach (var match in CrossMatch.Nearest(positions, referencePositions, options.MatchRadiusArcsec))
                estimates.Add(reference[match.ReferenceIndex].Mag + 2.5 * Math.Log10(stars[match.SourceIndex].Flux));
        }
        if (estimates.Count == 0)
            throw new InvalidOperationException(
                $"Exposure {exposure.ExposureId}: no detected star matched the reference catalog within {options.MatchRadiusArcsec}\". " +
                "Check that the catalog covers the exposure and that the WCS is right.");
        var values = estimates.ToArray();
        return new ExposureZeropoint(exposure.ExposureId, Statistics.Median(values), 1.4826 * Statistics.MedianAbsoluteDeviation(values), values.Length);
    }
}

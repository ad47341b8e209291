using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>Per-CCD calibration: sky level and noise in counts, seeing in pixels and arcseconds, and how many stars measured it.</summary>
public sealed record CcdCalibration(int ExposureId, int Ccd, double Sky, double SkySigma, double FwhmPixels, double FwhmArcsec, int PsfStars);

/// <summary>Settings of the PSF measurement.</summary>
public sealed record PsfOptions
{
    /// <summary>Only stars this bright are used: moments of fainter ones are dominated by noise.</summary>
    public double MinSignalToNoise { get; init; } = 30;
    /// <summary>A star with another detection closer than this (pixels) is skipped, its moments would be contaminated.</summary>
    public double IsolationRadius { get; init; } = 8;
}

/// <summary>
/// The "calibrations" step for one CCD. Sky is the 3σ-clipped median of all pixels. FWHM comes from the
/// second moments of bright isolated stars: σ² = (Ixx + Iyy)/2, FWHM = 2√(2 ln 2)·σ, median over stars. The
/// moment window is resized to 4σ after a first pass, since a fixed window truncates wide PSFs and biases σ low.
/// </summary>
public static class CcdCalibrator
{
    private const double FwhmPerSigma = 2.3548200450309493; // 2√(2 ln 2)

    public static CcdCalibration Calibrate(CcdImage image, PsfOptions? options = null, DetectionOptions? detection = null)
    {
        options ??= new PsfOptions();
        var (sky, skySigma) = SkyLevel(image);
        var detections = SourceDetector.Detect(image, sky, skySigma, detection);
        var widths = new List<double>();
        foreach (var star in detections)
        {
            if (star.SignalToNoise < options.MinSignalToNoise) continue;
            if (detections.Any(o => o != star && Math.Pow(o.X - star.X, 2) + Math.Pow(o.Y - star.Y, 2) < Math.Pow(options.IsolationRadius, 2))) continue;
            var sigma = MomentSigma(image, star, sky, 6);
            if (double.IsNaN(sigma)) continue;
            sigma = MomentSigma(image, star, sky, Math.Clamp(4 * sigma, 4, 9));
            if (!double.IsNaN(sigma)) widths.Add(sigma * FwhmPerSigma);
        }
        var fwhm = widths.Count > 0 ? Statistics.Median(widths.ToArray()) : double.NaN;
        return new CcdCalibration(image.ExposureId, image.Ccd, sky, skySigma, fwhm, fwhm * image.Wcs.PixelScaleArcsec, widths.Count);
    }

    public static (double Sky, double Sigma) SkyLevel(CcdImage image)
    {
        var clipped = SigmaClip.Apply(Array.ConvertAll(image.Pixels, p => (double)p));
        return (clipped.Median, clipped.Sigma);
    }

    /// <summary>√((Ixx + Iyy)/2) of sky-subtracted pixels within <paramref name="radius"/>; NaN if the window leaves the CCD or has no flux.</summary>
    private static double MomentSigma(CcdImage image, Detection star, double sky, double radius)
    {
        if (star.X - radius < 0 || star.Y - radius < 0 || star.X + radius > image.Width - 1 || star.Y + radius > image.Height - 1) return double.NaN;
        double sum = 0, sxx = 0, syy = 0;
        for (var y = (int)Math.Ceiling(star.Y - radius); y <= (int)Math.Floor(star.Y + radius); y++)
            for (var x = (int)Math.Ceiling(star.X - radius); x <= (int)Math.Floor(star.X + radius); x++)
            {
                double dx = x - star.X, dy = y - star.Y;
                if (dx * dx + dy * dy > radius * radius) continue;
                var v = image[x, y] - sky;
                sum += v; sxx += v * dx * dx; syy += v * dy * dy;
            }
        var variance = (sxx + syy) / (2 * sum);
        return sum > 0 && variance > 0 ? Math.Sqrt(variance) : double.NaN;
    }
}

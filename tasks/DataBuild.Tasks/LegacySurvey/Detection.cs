namespace DataBuild.Tasks.LegacySurvey;

/// <summary>A detected source on one CCD: centroid in pixels, sky-subtracted aperture flux and its 1σ error, in counts.</summary>
public sealed record Detection(double X, double Y, double Flux, double FluxError, double Peak)
{
    public double SignalToNoise => FluxError > 0 ? Flux / FluxError : 0;
}

/// <summary>Detection and measurement settings, in pixels.</summary>
public sealed record DetectionOptions
{
    /// <summary>A peak must exceed sky + Threshold × sky sigma.</summary>
    public double Threshold { get; init; } = 5;
    /// <summary>Pixels. Holds 99.9% of a Gaussian PSF's flux up to FWHM 3.2 pixels, so no aperture correction is applied.</summary>
    public double ApertureRadius { get; init; } = 5;
    /// <summary>Half-width of the box whose first moments give the centroid.</summary>
    public int CentroidRadius { get; init; } = 2;
}

/// <summary>
/// Finds local maxima above a threshold and measures each: first-moment centroid, then circular-aperture flux.
/// Peaks whose aperture would leave the CCD are dropped, because their flux would be short; with dithered
/// exposures another CCD sees them whole.
/// </summary>
public static class SourceDetector
{
    public static IReadOnlyList<Detection> Detect(CcdImage image, double sky, double skySigma, DetectionOptions? options = null)
    {
        options ??= new DetectionOptions();
        var border = (int)Math.Ceiling(options.ApertureRadius) + 1;
        var cut = sky + options.Threshold * skySigma;
        var detections = new List<Detection>();
        for (var y = border; y < image.Height - border; y++)
            for (var x = border; x < image.Width - border; x++)
            {
                var v = image[x, y];
                if (v > cut && IsLocalMaximum(image, x, y))
                {
                    var (cx, cy) = Centroid(image, x, y, sky, options.CentroidRadius);
                    var (flux, error) = AperturePhotometry.Measure(image, cx, cy, options.ApertureRadius, sky, skySigma);
                    detections.Add(new Detection(cx, cy, flux, error, v - sky));
                }
            }
        return detections;
    }

    /// <summary>Strictly above earlier neighbours in raster order and not below later ones, so a flat-topped peak counts once.</summary>
    private static bool IsLocalMaximum(CcdImage image, int x, int y)
    {
        var v = image[x, y];
        for (var dy = -1; dy <= 1; dy++)
            for (var dx = -1; dx <= 1; dx++)
            {
                if (dx == 0 && dy == 0) continue;
                var n = image[x + dx, y + dy];
                var earlier = dy < 0 || (dy == 0 && dx < 0);
                if (earlier ? n >= v : n > v) return false;
            }
        return true;
    }

    /// <summary>Flux-weighted mean position in a small box; negative (noise) pixels get no weight so faint centroids stay inside the box.</summary>
    private static (double X, double Y) Centroid(CcdImage image, int px, int py, double sky, int radius)
    {
        double sum = 0, sx = 0, sy = 0;
        for (var y = py - radius; y <= py + radius; y++)
            for (var x = px - radius; x <= px + radius; x++)
            {
                var w = Math.Max(0, image[x, y] - sky);
                sum += w; sx += w * x; sy += w * y;
            }
        return sum > 0 ? (sx / sum, sy / sum) : (px, py);
    }
}

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>Circular-aperture photometry against a known sky level.</summary>
public static class AperturePhotometry
{
    /// <summary>
    /// Sum of (pixel − sky) over pixels whose centres lie within <paramref name="radius"/> of (x, y). The error adds
    /// sky noise per pixel and the source's own Poisson noise at gain 1 (the fixture's gain).
    /// </summary>
    public static (double Flux, double Error) Measure(CcdImage image, double x, double y, double radius, double sky, double skySigma)
    {
        double flux = 0;
        var pixels = 0;
        for (var py = Math.Max(0, (int)Math.Floor(y - radius)); py <= Math.Min(image.Height - 1, (int)Math.Ceiling(y + radius)); py++)
            for (var px = Math.Max(0, (int)Math.Floor(x - radius)); px <= Math.Min(image.Width - 1, (int)Math.Ceiling(x + radius)); px++)
                if ((px - x) * (px - x) + (py - y) * (py - y) <= radius * radius)
                {
                    flux += image[px, py] - sky;
                    pixels++;
                }
        return (flux, Math.Sqrt(pixels * skySigma * skySigma + Math.Max(flux, 0)));
    }
}

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>A star of the reference catalog (think Gaia/PS1): position in degrees and magnitude in the survey band.</summary>
public sealed record ReferenceStar(long Id, double Ra, double Dec, double Mag);

/// <summary>
/// One CCD readout: Width × Height float pixels in row-major order (index y·Width + x), in counts (gain 1 e⁻/count),
/// with its WCS. Identified by (ExposureId, Ccd).
/// </summary>
public sealed record CcdImage(int ExposureId, int Ccd, int Width, int Height, float[] Pixels, TangentPlaneWcs Wcs)
{
    public float this[int x, int y] => Pixels[y * Width + x];

    /// <summary>Sky positions of the corners and of points every few pixels along the edges, for footprint tests.</summary>
    public IReadOnlyList<(double Ra, double Dec)> Outline(int step = 8)
    {
        var points = new List<(double, double)>();
        double right = Width - 0.5, top = Height - 0.5;
        for (double x = -0.5; x < right; x += step) { points.Add(Wcs.PixelToSky(x, -0.5)); points.Add(Wcs.PixelToSky(x, top)); }
        for (double y = -0.5; y < top; y += step) { points.Add(Wcs.PixelToSky(-0.5, y)); points.Add(Wcs.PixelToSky(right, y)); }
        points.Add(Wcs.PixelToSky(right, top));
        return points;
    }
}

/// <summary>One pointing of the camera: several CCDs read out together, sharing a zeropoint.</summary>
public sealed record Exposure(int ExposureId, double Ra, double Dec, IReadOnlyList<CcdImage> Ccds);

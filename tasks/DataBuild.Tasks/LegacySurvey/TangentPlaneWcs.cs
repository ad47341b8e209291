namespace DataBuild.Tasks.LegacySurvey;

/// <summary>
/// A gnomonic (TAN) world coordinate system: tangent point (CrVal1, CrVal2) in degrees at pixel (CrPix1, CrPix2),
/// and a CD matrix in degrees per pixel. Pixels are 0-based with integer values at pixel centres (FITS is
/// 1-based: add 1 to CrPix when writing a FITS header).
/// </summary>
public sealed record TangentPlaneWcs(double CrVal1, double CrVal2, double CrPix1, double CrPix2, double Cd11, double Cd12, double Cd21, double Cd22)
{
    /// <summary>North up, east left (RA decreasing with x), as on the sky seen from inside the sphere.</summary>
    public static TangentPlaneWcs NorthUp(double ra, double dec, double crPix1, double crPix2, double pixelScaleArcsec)
    {
        var scale = pixelScaleArcsec / SkyMath.ArcsecPerDeg;
        return new TangentPlaneWcs(ra, dec, crPix1, crPix2, -scale, 0, 0, scale);
    }

    /// <summary>The mean pixel size in arcseconds, √|det CD|.</summary>
    public double PixelScaleArcsec => Math.Sqrt(Math.Abs(Cd11 * Cd22 - Cd12 * Cd21)) * SkyMath.ArcsecPerDeg;

    public (double Ra, double Dec) PixelToSky(double x, double y)
    {
        var xi = (Cd11 * (x - CrPix1) + Cd12 * (y - CrPix2)) * SkyMath.DegToRad;
        var eta = (Cd21 * (x - CrPix1) + Cd22 * (y - CrPix2)) * SkyMath.DegToRad;
        var dec0 = CrVal2 * SkyMath.DegToRad;
        var denominator = Math.Cos(dec0) - eta * Math.Sin(dec0);
        var ra = CrVal1 + Math.Atan2(xi, denominator) / SkyMath.DegToRad;
        var dec = Math.Atan2(Math.Sin(dec0) + eta * Math.Cos(dec0), Math.Sqrt(xi * xi + denominator * denominator)) / SkyMath.DegToRad;
        return (SkyMath.NormalizeRa(ra), dec);
    }

    /// <summary>Pixel position of a sky position; NaN for points 90° or more from the tangent point, which do not project.</summary>
    public (double X, double Y) SkyToPixel(double ra, double dec)
    {
        var dRa = (ra - CrVal1) * SkyMath.DegToRad;
        double d = dec * SkyMath.DegToRad, d0 = CrVal2 * SkyMath.DegToRad;
        var cosC = Math.Sin(d0) * Math.Sin(d) + Math.Cos(d0) * Math.Cos(d) * Math.Cos(dRa);
        if (cosC <= 0) return (double.NaN, double.NaN);
        var xi = Math.Cos(d) * Math.Sin(dRa) / cosC / SkyMath.DegToRad;
        var eta = (Math.Cos(d0) * Math.Sin(d) - Math.Sin(d0) * Math.Cos(d) * Math.Cos(dRa)) / cosC / SkyMath.DegToRad;
        var det = Cd11 * Cd22 - Cd12 * Cd21;
        return (CrPix1 + (Cd22 * xi - Cd12 * eta) / det, CrPix2 + (-Cd21 * xi + Cd11 * eta) / det);
    }
}

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>Angles on the sphere, in degrees at the API and radians inside.</summary>
public static class SkyMath
{
    public const double DegToRad = Math.PI / 180;
    public const double ArcsecPerDeg = 3600;

    /// <summary>Great-circle separation by the haversine formula, accurate at the arcsecond scales we match at.</summary>
    public static double SeparationDeg(double ra1, double dec1, double ra2, double dec2)
    {
        var sinDDec = Math.Sin((dec2 - dec1) * DegToRad / 2);
        var sinDRa = Math.Sin((ra2 - ra1) * DegToRad / 2);
        var h = sinDDec * sinDDec + Math.Cos(dec1 * DegToRad) * Math.Cos(dec2 * DegToRad) * sinDRa * sinDRa;
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(h))) / DegToRad;
    }

    public static double NormalizeRa(double ra) => (ra % 360 + 360) % 360;
}

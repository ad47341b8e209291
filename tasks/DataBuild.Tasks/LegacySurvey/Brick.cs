using System.Globalization;

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>
/// A sky brick: Dec rows of 0.25° starting at −90°, each row cut into n = ⌊360·cos(Dec centre)/0.25⌋ equal RA
/// columns (so bricks are ≈0.25° × 0.25° on the sky). Ranges are half-open, so every position is in exactly one
/// brick. The name is the Legacy Survey pattern from the centre: ⌊10·RA⌋ as 4 digits, p/m, ⌊10·|Dec|⌋ as 3 digits.
/// </summary>
public sealed record Brick(string Name, int Row, int Column, double RaMin, double RaMax, double DecMin, double DecMax)
{
    public double RaCenter => 0.5 * (RaMin + RaMax);
    public double DecCenter => 0.5 * (DecMin + DecMax);

    public bool Contains(double ra, double dec) => dec >= DecMin && dec < DecMax && ra >= RaMin && ra < RaMax;

    internal static string NameOf(double raCenter, double decCenter) => string.Create(CultureInfo.InvariantCulture,
        $"{(int)Math.Floor(raCenter * 10):0000}{(decCenter >= 0 ? 'p' : 'm')}{(int)Math.Floor(Math.Abs(decCenter) * 10):000}");
}

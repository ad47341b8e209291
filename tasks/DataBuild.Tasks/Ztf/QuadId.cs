namespace DataBuild.Tasks.Ztf;

/// <summary>A ZTF readout quadrant: field, CCD 1–16, quadrant 1–4. The unit of feature generation.</summary>
public readonly record struct QuadId(int Field, int Ccd, int Quadrant) : IComparable<QuadId>
{
    public const int Ccds = 16;
    public const int Quadrants = 4;

    public int CompareTo(QuadId other) =>
        Field != other.Field ? Field.CompareTo(other.Field) : Ccd != other.Ccd ? Ccd.CompareTo(other.Ccd) : Quadrant.CompareTo(other.Quadrant);

    /// <summary>All 64 quadrants of a field in (ccd, quadrant) order.</summary>
    public static IEnumerable<QuadId> AllOf(int field)
    {
        for (var ccd = 1; ccd <= Ccds; ccd++)
            for (var quadrant = 1; quadrant <= Quadrants; quadrant++)
                yield return new QuadId(field, ccd, quadrant);
    }

    /// <summary>Source ids encode their quad: field·10⁸ + ccd·10⁶ + quadrant·10⁵ + index, e.g. 296_16_4_00007.</summary>
    public long SourceId(int index) => Field * 100_000_000L + Ccd * 1_000_000L + Quadrant * 100_000L + index;

    public override string ToString() => $"field {Field} ccd {Ccd} quad {Quadrant}";
}

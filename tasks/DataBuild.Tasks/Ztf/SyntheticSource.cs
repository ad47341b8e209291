namespace DataBuild.Tasks.Ztf;

/// <summary>A generated light curve with the truth it was generated from (TruePeriod only for periodic sources).</summary>
public sealed record SyntheticSource(LightCurve Curve, VariabilityClass Truth, double? TruePeriod);

/// <summary>The sources of one quadrant; an empty list for the empty quadrants real fields also have.</summary>
public sealed record QuadLightCurves(QuadId Quad, IReadOnlyList<SyntheticSource> Sources)
{
    public bool IsEmpty => Sources.Count == 0;
}

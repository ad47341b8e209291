namespace DataBuild.Tasks.LegacySurvey;

/// <summary>One sweep source matched to an external catalog entry, identified by (BrickName, ObjId).</summary>
public sealed record ExternalMatchRow(string BrickName, int ObjId, long ReferenceId, double SeparationArcsec);

/// <summary>The "external match" step: each sweep source's nearest reference star within a radius.</summary>
public static class ExternalMatch
{
    public const double DefaultRadiusArcsec = 1.5;

    public static IReadOnlyList<ExternalMatchRow> Match(IReadOnlyList<BrickSource> sweep, IReadOnlyList<ReferenceStar> reference, double radiusArcsec = DefaultRadiusArcsec) =>
        CrossMatch.Nearest(sweep.Select(s => (s.Ra, s.Dec)).ToList(), reference.Select(r => (r.Ra, r.Dec)).ToList(), radiusArcsec)
            .Select(p => new ExternalMatchRow(sweep[p.SourceIndex].BrickName, sweep[p.SourceIndex].ObjId, reference[p.ReferenceIndex].Id, p.SeparationArcsec))
            .ToList();
}

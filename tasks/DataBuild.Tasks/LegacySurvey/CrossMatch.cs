namespace DataBuild.Tasks.LegacySurvey;

/// <summary>A source matched to its nearest reference: indices into the two input lists and the separation.</summary>
public readonly record struct MatchPair(int SourceIndex, int ReferenceIndex, double SeparationArcsec);

/// <summary>
/// Nearest-neighbour matching on the sphere. References are sorted by Dec once; each source then checks only
/// the Dec band ±radius, so the cost is O((n + m) log m) for sparse fields rather than O(n·m).
/// </summary>
public static class CrossMatch
{
    /// <summary>One pair per source that has a reference within the radius, in source order. Ties go to the lower reference index.</summary>
    public static IReadOnlyList<MatchPair> Nearest(
        IReadOnlyList<(double Ra, double Dec)> sources, IReadOnlyList<(double Ra, double Dec)> reference, double radiusArcsec)
    {
        var byDec = Enumerable.Range(0, reference.Count).OrderBy(i => reference[i].Dec).ThenBy(i => i).ToArray();
        var decs = byDec.Select(i => reference[i].Dec).ToArray();
        var radiusDeg = radiusArcsec / SkyMath.ArcsecPerDeg;
        var pairs = new List<MatchPair>();
        for (var s = 0; s < sources.Count; s++)
        {
            var (ra, dec) = sources[s];
            var start = LowerBound(decs, dec - radiusDeg);
            int best = -1;
            var bestSeparation = double.PositiveInfinity;
            for (var k = start; k < decs.Length && decs[k] <= dec + radiusDeg; k++)
            {
                var r = byDec[k];
                var separation = SkyMath.SeparationDeg(ra, dec, reference[r].Ra, reference[r].Dec);
                if (separation < bestSeparation || (separation == bestSeparation && r < best)) { best = r; bestSeparation = separation; }
            }
            var arcsec = bestSeparation * SkyMath.ArcsecPerDeg;
            if (best >= 0 && arcsec <= radiusArcsec) pairs.Add(new MatchPair(s, best, arcsec));
        }
        return pairs;
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

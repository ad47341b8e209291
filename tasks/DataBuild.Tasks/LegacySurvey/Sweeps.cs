using System.Globalization;

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>An RA slice of the sky, [RaMin, RaMax) degrees, named like "sweep-150-155".</summary>
public sealed record SweepSlice(int RaMin, int RaMax)
{
    public string Name => string.Create(CultureInfo.InvariantCulture, $"sweep-{RaMin:000}-{RaMax:000}");
}

/// <summary>
/// The "sweeps" step: brick catalogs gathered into RA slices. A brick belongs to the slice holding its centre,
/// so each brick lands in exactly one sweep and a sweep's inputs are known from the brick list alone.
/// </summary>
public static class Sweeps
{
    public const int DefaultWidthDeg = 5;

    public static SweepSlice SliceOf(Brick brick, int widthDeg = DefaultWidthDeg)
    {
        if (widthDeg <= 0 || 360 % widthDeg != 0) throw new ArgumentException($"Sweep width must divide 360 degrees evenly, got {widthDeg}.");
        var min = (int)Math.Floor(brick.RaCenter / widthDeg) * widthDeg;
        return new SweepSlice(min, min + widthDeg);
    }

    /// <summary>Which bricks feed which sweep, slices in RA order, bricks by (row, column): the plan for the sweep targets.</summary>
    public static IReadOnlyList<(SweepSlice Slice, IReadOnlyList<Brick> Bricks)> Plan(IEnumerable<Brick> bricks, int widthDeg = DefaultWidthDeg) =>
        bricks.DistinctBy(b => b.Name)
            .GroupBy(b => SliceOf(b, widthDeg))
            .OrderBy(g => g.Key.RaMin)
            .Select(g => (g.Key, (IReadOnlyList<Brick>)g.OrderBy(b => b.Row).ThenBy(b => b.Column).ToList()))
            .ToList();

    /// <summary>All rows of the given brick catalogs, sorted by (brick name, ObjId); refuses rows whose brick is outside the slice.</summary>
    public static IReadOnlyList<BrickSource> Gather(SweepSlice slice, IEnumerable<IReadOnlyList<BrickSource>> brickCatalogs, int widthDeg = DefaultWidthDeg)
    {
        var rows = brickCatalogs.SelectMany(c => c).ToList();
        foreach (var name in rows.Select(r => r.BrickName).Distinct())
        {
            var owner = SliceOf(BrickGrid.ByName(name), widthDeg);
            if (owner != slice) throw new ArgumentException($"Brick {name} belongs to {owner.Name}, not {slice.Name}; pass only the bricks Sweeps.Plan lists for this slice.");
        }
        return rows.OrderBy(r => r.BrickName, StringComparer.Ordinal).ThenBy(r => r.ObjId).ToList();
    }
}

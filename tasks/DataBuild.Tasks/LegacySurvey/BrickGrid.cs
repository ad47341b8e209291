using System.Globalization;

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>The all-sky brick grid (see <see cref="Brick"/>): position → brick, name → brick, CCD footprint → bricks.</summary>
public static class BrickGrid
{
    public const double RowHeight = 0.25;
    public const int Rows = 720;

    public static Brick At(double ra, double dec)
    {
        var row = Math.Clamp((int)Math.Floor((dec + 90) / RowHeight), 0, Rows - 1);
        var columns = ColumnsIn(row);
        var column = Math.Clamp((int)Math.Floor(SkyMath.NormalizeRa(ra) / (360.0 / columns)), 0, columns - 1);
        return Create(row, column);
    }

    /// <summary>The brick with this name, e.g. "1501p022". Names encode the centre to 0.1°, less than half a brick, which pins the brick down.</summary>
    public static Brick ByName(string name)
    {
        if (name.Length != 8 || name[4] is not ('p' or 'm')
            || !int.TryParse(name.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var ra10)
            || !int.TryParse(name.AsSpan(5, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var dec10))
            throw new ArgumentException($"'{name}' is not a brick name; expected 4 digits of RA×10, p or m, 3 digits of |Dec|×10, e.g. 1501p022.");
        var sign = name[4] == 'p' ? 1 : -1;
        var brick = At(ra10 / 10.0 + 0.05, sign * (dec10 / 10.0 + 0.05));
        if (brick.Name != name)
            throw new ArgumentException($"No brick is named '{name}'; the brick at that position is {brick.Name}.");
        return brick;
    }

    /// <summary>
    /// Bricks overlapping the bounding box (in RA, Dec) of a CCD's outline, ordered by row then column. The box is
    /// conservative: a brick that only touches a corner of the box may be listed and then gets no sources from this CCD.
    /// </summary>
    public static IReadOnlyList<Brick> Touching(CcdImage ccd) => Touching(ccd.Outline());

    public static IReadOnlyList<Brick> Touching(IReadOnlyList<(double Ra, double Dec)> outline)
    {
        var ras = outline.Select(p => SkyMath.NormalizeRa(p.Ra)).ToArray();
        // An outline crossing RA 0 has points near 0 and near 360; unwrap them to a continuous range above 360.
        if (ras.Max() - ras.Min() > 180) ras = ras.Select(r => r < 180 ? r + 360 : r).ToArray();
        double raMin = ras.Min(), raMax = ras.Max();
        double decMin = outline.Min(p => p.Dec), decMax = outline.Max(p => p.Dec);

        var bricks = new List<Brick>();
        var firstRow = Math.Clamp((int)Math.Floor((decMin + 90) / RowHeight), 0, Rows - 1);
        var lastRow = Math.Clamp((int)Math.Floor((decMax + 90) / RowHeight), 0, Rows - 1);
        for (var row = firstRow; row <= lastRow; row++)
        {
            var columns = ColumnsIn(row);
            var width = 360.0 / columns;
            var first = (int)Math.Floor(raMin / width);
            var last = Math.Min((int)Math.Floor(raMax / width), first + columns - 1);
            var seen = new SortedSet<int>();
            for (var c = first; c <= last; c++) seen.Add(c % columns);
            bricks.AddRange(seen.Select(c => Create(row, c)));
        }
        return bricks;
    }

    public static int ColumnsIn(int row)
    {
        var decCenter = -90 + (row + 0.5) * RowHeight;
        return Math.Max(1, (int)Math.Floor(360 * Math.Cos(decCenter * SkyMath.DegToRad) / RowHeight));
    }

    private static Brick Create(int row, int column)
    {
        var width = 360.0 / ColumnsIn(row);
        double raMin = column * width, raMax = (column + 1) * width;
        double decMin = -90 + row * RowHeight, decMax = decMin + RowHeight;
        return new Brick(Brick.NameOf(0.5 * (raMin + raMax), 0.5 * (decMin + decMax)), row, column, raMin, raMax, decMin, decMax);
    }
}

using DataBuild.Tasks.LegacySurvey;
using Xunit;
using Xunit.Abstractions;

namespace DataBuild.Tasks.Tests.LegacySurvey;

public class CatalogTests(ITestOutputHelper output)
{
    private static IReadOnlyList<Brick> SurveyBricks() =>
        Survey.Calibrated.SelectMany(c => BrickGrid.Touching(c.Image)).DistinctBy(b => b.Name).OrderBy(b => b.Row).ThenBy(b => b.Column).ToList();

    private static IReadOnlyList<BrickSource> CatalogOf(Brick brick) =>
        BrickCatalogBuilder.Build(brick, Survey.Calibrated.Where(c => BrickGrid.Touching(c.Image).Contains(brick)).ToList());

    [Fact]
    public void Brick_catalogs_hold_each_star_once_inside_the_brick_with_its_reference_magnitude()
    {
        var catalogs = SurveyBricks().Select(b => (Brick: b, Rows: CatalogOf(b))).ToList();
        var all = catalogs.SelectMany(c => c.Rows).ToList();

        foreach (var (brick, rows) in catalogs)
            Assert.All(rows, r => Assert.True(brick.Contains(r.Ra, r.Dec), $"{r} outside {brick.Name}"));
        // The fixture's pixels are 6", so allow a third of a pixel of centroid error.
        var matches = ExternalMatch.Match(all, Survey.Fixture.ReferenceCatalog, radiusArcsec: 2);
        output.WriteLine($"{all.Count} sources, {matches.Count} matched, {all.Count(r => r.NObs > 1)} seen more than once");
        // No reference star is claimed twice: duplicates across CCDs and bricks were merged.
        Assert.Equal(matches.Count, matches.Select(m => m.ReferenceId).Distinct().Count());
        Assert.True(matches.Count > 0.9 * all.Count, $"{matches.Count} of {all.Count} matched");
        Assert.Contains(all, r => r.NObs > 1);
        var reference = Survey.Fixture.ReferenceCatalog.ToDictionary(s => s.Id);
        var bright = matches.Where(m => reference[m.ReferenceId].Mag < 18).ToList();
        Assert.All(bright, m =>
        {
            var row = all.Single(r => r.BrickName == m.BrickName && r.ObjId == m.ObjId);
            // 4σ of the photometric error (1.0857 / S/N) plus 0.02 for neighbours leaking into the aperture.
            var magError = 1.0857 / (row.Flux * Math.Sqrt(row.FluxIvar));
            Assert.Equal(reference[m.ReferenceId].Mag, row.Mag, 4 * magError + 0.02);
        });
    }

    [Fact]
    public void Brick_catalog_rows_are_sorted_by_Dec_and_numbered()
    {
        var rows = CatalogOf(SurveyBricks()[0]);

        Assert.NotEmpty(rows);
        Assert.Equal(Enumerable.Range(0, rows.Count), rows.Select(r => r.ObjId));
        Assert.Equal(rows.OrderBy(r => r.Dec).Select(r => r.ObjId), rows.Select(r => r.ObjId));
    }

    [Fact]
    public void Sweeps_gather_every_brick_once_into_the_RA_slice_of_its_centre()
    {
        var bricks = SurveyBricks();

        var plan = Sweeps.Plan(bricks);

        var slice = Assert.Single(plan);
        Assert.Equal("sweep-150-155", slice.Slice.Name);
        Assert.Equal(bricks.Count, slice.Bricks.Count);
        var sweep = Sweeps.Gather(slice.Slice, slice.Bricks.Select(CatalogOf));
        Assert.Equal(slice.Bricks.Sum(b => CatalogOf(b).Count), sweep.Count);
        Assert.Throws<ArgumentException>(() => Sweeps.Gather(new SweepSlice(145, 150), [sweep]));
    }

    [Fact]
    public void Cross_match_pairs_each_source_with_its_nearest_reference_within_the_radius()
    {
        (double, double)[] reference = [(10.0, 20.0), (10.0, 20.0 + 2.0 / 3600), (10.5, 20.0)];
        (double, double)[] sources = [(10.0, 20.0 + 1.5 / 3600), (10.2, 20.0), (10.5, 20.0 - 0.5 / 3600)];

        var pairs = CrossMatch.Nearest(sources, reference, radiusArcsec: 1.0);

        Assert.Equal([0, 2], pairs.Select(p => p.SourceIndex));
        Assert.Equal([1, 2], pairs.Select(p => p.ReferenceIndex));
        Assert.Equal(0.5, pairs[0].SeparationArcsec, 1e-6);
        Assert.Equal(0.5, pairs[1].SeparationArcsec, 1e-6);
    }
}

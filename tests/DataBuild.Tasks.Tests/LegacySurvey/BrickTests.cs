using DataBuild.Tasks.LegacySurvey;
using Xunit;

namespace DataBuild.Tasks.Tests.LegacySurvey;

public class BrickTests
{
    [Fact]
    public void A_position_falls_in_the_brick_named_after_its_centre()
    {
        var brick = BrickGrid.At(150.1, 2.3);

        Assert.True(brick.Contains(150.1, 2.3));
        Assert.Equal((2.25, 2.5), (brick.DecMin, brick.DecMax));
        Assert.InRange(brick.RaMax - brick.RaMin, 0.25, 0.251);
        Assert.Equal($"{(int)(brick.RaCenter * 10):0000}p023", brick.Name);
        Assert.Equal(brick, BrickGrid.ByName(brick.Name));
        Assert.Equal('m', BrickGrid.At(10, -0.01).Name[4]);
    }

    [Fact]
    public void A_name_that_is_no_brick_is_refused_with_the_brick_at_that_position()
    {
        var error = Assert.Throws<ArgumentException>(() => BrickGrid.ByName("1500p022"));
        Assert.Contains("the brick at that position is 1500p023", error.Message);
        Assert.Throws<ArgumentException>(() => BrickGrid.ByName("15x0p022"));
    }

    [Fact]
    public void A_footprint_inside_one_brick_touches_only_that_brick()
    {
        var brick = BrickGrid.At(150.1, 2.3);
        var (ra, dec) = (brick.RaCenter, brick.DecCenter);

        var touched = BrickGrid.Touching([(ra - 0.01, dec - 0.01), (ra + 0.01, dec + 0.01)]);

        Assert.Equal([brick], touched);
    }

    [Fact]
    public void A_footprint_over_a_brick_corner_touches_the_bricks_on_both_sides_of_both_edges()
    {
        var brick = BrickGrid.At(150.1, 2.3);
        var (ra, dec) = (brick.RaMin, brick.DecMin);

        var touched = BrickGrid.Touching([(ra - 0.05, dec - 0.05), (ra + 0.05, dec + 0.05)]);

        // Rows have different column edges, so the row below contributes one or two bricks.
        Assert.InRange(touched.Count, 3, 4);
        Assert.Contains(brick, touched);
        Assert.Contains(BrickGrid.At(ra - 0.01, dec + 0.01), touched);
        Assert.Contains(BrickGrid.At(ra, dec - 0.01), touched);
        Assert.Equal(touched.Count, touched.Select(b => b.Name).Distinct().Count());
    }

    [Fact]
    public void A_footprint_across_RA_zero_touches_bricks_on_both_sides()
    {
        var touched = BrickGrid.Touching([(359.95, 10.1), (0.05, 10.2)]);

        Assert.Equal(2, touched.Count);
        Assert.Contains(touched, b => b.RaMin == 0);
        Assert.Contains(touched, b => b.RaMax == 360);
    }

    [Fact]
    public void Every_fixture_CCD_touches_at_least_one_brick_and_the_survey_spans_several()
    {
        var ccds = Survey.Fixture.Exposures.SelectMany(e => e.Ccds).ToList();

        var touched = ccds.Select(BrickGrid.Touching).ToList();

        Assert.All(touched, Assert.NotEmpty);
        Assert.True(touched.SelectMany(b => b).Select(b => b.Name).Distinct().Count() >= 4);
    }
}

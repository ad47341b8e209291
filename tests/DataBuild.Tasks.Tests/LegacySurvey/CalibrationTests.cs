using DataBuild.Tasks.LegacySurvey;
using Xunit;
using Xunit.Abstractions;

namespace DataBuild.Tasks.Tests.LegacySurvey;

public class CalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void The_same_seed_gives_identical_pixels_and_another_seed_different_ones()
    {
        var again = SurveyFixture.Generate();
        var other = SurveyFixture.Generate(seed: 10);

        Assert.Equal(Survey.Fixture.Exposures[0].Ccds[0].Pixels, again.Exposures[0].Ccds[0].Pixels);
        Assert.Equal(Survey.Fixture.ReferenceCatalog, again.ReferenceCatalog);
        Assert.NotEqual(Survey.Fixture.Exposures[0].Ccds[0].Pixels, other.Exposures[0].Ccds[0].Pixels);
    }

    [Fact]
    public void The_zeropoint_recovers_the_injected_zeropoint_of_every_exposure()
    {
        foreach (var exposure in Survey.Fixture.Exposures)
        {
            var truth = Survey.Fixture.ExposureTruths.Single(t => t.ExposureId == exposure.ExposureId);

            var zp = ZeropointSolver.Solve(exposure, Survey.Fixture.ReferenceCatalog);

            output.WriteLine($"{zp} truth {truth.Zeropoint}");
            Assert.True(zp.MatchedStars >= 10, $"{zp.MatchedStars} stars");
            Assert.Equal(truth.Zeropoint, zp.Zeropoint, 0.02);
        }
    }

    [Fact]
    public void Calibration_recovers_the_injected_sky_and_PSF_width()
    {
        foreach (var exposure in Survey.Fixture.Exposures)
            foreach (var ccd in exposure.Ccds)
            {
                var sky = Survey.Fixture.CcdTruths.Single(t => t.ExposureId == ccd.ExposureId && t.Ccd == ccd.Ccd).Sky;
                var fwhm = Survey.Fixture.ExposureTruths.Single(t => t.ExposureId == ccd.ExposureId).FwhmPixels;

                var calibration = CcdCalibrator.Calibrate(ccd);
                output.WriteLine($"{calibration} truth sky {sky} fwhm {fwhm}");
            }
        foreach (var exposure in Survey.Fixture.Exposures)
            foreach (var ccd in exposure.Ccds)
            {
                var sky = Survey.Fixture.CcdTruths.Single(t => t.ExposureId == ccd.ExposureId && t.Ccd == ccd.Ccd).Sky;
                var fwhm = Survey.Fixture.ExposureTruths.Single(t => t.ExposureId == ccd.ExposureId).FwhmPixels;
                var calibration = CcdCalibrator.Calibrate(ccd);
                Assert.Equal(sky, calibration.Sky, sky * 0.01);
                Assert.Equal(Math.Sqrt(sky + 25), calibration.SkySigma, 1.5);
                Assert.True(calibration.PsfStars >= 1, $"{calibration.PsfStars} PSF stars");
                Assert.Equal(fwhm, calibration.FwhmPixels, fwhm * 0.1);
                Assert.Equal(calibration.FwhmPixels * 6, calibration.FwhmArcsec, 1e-9);
            }
    }

    [Fact]
    public void Detection_finds_the_injected_stars_at_their_positions_and_nothing_else()
    {
        var ccd = Survey.Fixture.Exposures[0].Ccds[0];
        var (sky, sigma) = CcdCalibrator.SkyLevel(ccd);
        // Stars whose whole aperture lies on the CCD and that are bright enough for a 5σ peak.
        var expected = Survey.Fixture.ReferenceCatalog
            .Select(s => (Star: s, Pixel: ccd.Wcs.SkyToPixel(s.Ra, s.Dec)))
            .Where(p => p.Pixel.X is > 8 and < 55 && p.Pixel.Y is > 8 and < 55 && p.Star.Mag < 18.5)
            .ToList();

        var detections = SourceDetector.Detect(ccd, sky, sigma);

        Assert.True(expected.Count >= 3, $"only {expected.Count} stars on the CCD");
        foreach (var (star, pixel) in expected)
            Assert.Contains(detections, d => Math.Abs(d.X - pixel.X) < 0.5 && Math.Abs(d.Y - pixel.Y) < 0.5);
        var spurious = detections.Where(d => !Survey.Fixture.ReferenceCatalog.Any(s =>
        {
            var (x, y) = ccd.Wcs.SkyToPixel(s.Ra, s.Dec);
            return Math.Abs(d.X - x) < 1.5 && Math.Abs(d.Y - y) < 1.5;
        }));
        Assert.Empty(spurious);
    }

    [Fact]
    public void The_WCS_round_trips_pixels_through_the_sky()
    {
        var wcs = TangentPlaneWcs.NorthUp(359.99, 60, 31.5, 31.5, 6);

        var (ra, dec) = wcs.PixelToSky(0, 63);
        var (x, y) = wcs.SkyToPixel(ra, dec);

        Assert.Equal(0, x, 1e-8);
        Assert.Equal(63, y, 1e-8);
        Assert.True(ra < 1, $"RA {ra} should have wrapped past 0 (x = 0 is east)");
        Assert.Equal(6.0, wcs.PixelScaleArcsec, 1e-12);
    }
}

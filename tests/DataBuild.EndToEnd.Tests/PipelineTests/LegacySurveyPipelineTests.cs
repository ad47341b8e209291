using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.PipelineTests;

/// <summary>The Legacy Survey data-release pipeline through the real ./build.sh, from an empty directory.</summary>
public sealed class LegacySurveyPipelineTests
{
    [Fact]
    public async Task Sweeps_build_from_an_empty_directory_rerun_to_nothing_and_the_external_match_adds_only_itself()
    {
        using var ws = new PipelineWorkspace();

        var first = await ws.Build("Sweeps");
        var rerun = await ws.Build("Sweeps");
        var match = await ws.Build("ExternalMatch");

        Assert.True(first.ExitCode == 0, first.Output + first.Stderr);
        var ccds = Directory.GetFiles(ws.File("data/legacysurvey/ccds"), "*.parquet").Length;
        Assert.Equal(ccds, first.Built.Count(n => n.StartsWith("Calibrations[", StringComparison.Ordinal)));
        Assert.Contains("discovered", first.Output); // bricks and sweeps come from the CCD footprints
        Assert.True(first.Built.Count(n => n.StartsWith("Catalogs[brick=", StringComparison.Ordinal)) >= 2);
        Assert.Contains(first.Built, n => n.StartsWith("Sweeps[sweep=sweep-", StringComparison.Ordinal));
        Assert.Contains("Sweeps outputs (", first.Output);
        Assert.Equal(0, rerun.ExitCode);
        Assert.Empty(rerun.Built);
        Assert.Contains("Nothing to do", rerun.Output);
        Assert.Equal(0, match.ExitCode);
        Assert.All(match.Built, n => Assert.StartsWith("ExternalMatch[sweep=", n));
        Assert.NotEmpty(match.Built);
    }

    [Fact]
    public async Task Editing_pixels_of_one_exposure_leaves_the_other_exposures_calibrations_alone_and_matches_a_clean_build()
    {
        using var ws = new PipelineWorkspace();
        using var clean = new PipelineWorkspace();
        Assert.Equal(0, (await ws.Build("ExternalMatch")).ExitCode);
        var ccd = ws.File("data/legacysurvey/ccds/exposure=1001_ccd=2.parquet");

        ParquetEdit.AddTo(ccd, "counts", 100, 50.0);
        var afterEdit = await ws.Build("ExternalMatch");
        Assert.Equal(0, (await clean.Build("SurveyFixture")).ExitCode);
        ParquetEdit.AddTo(clean.File("data/legacysurvey/ccds/exposure=1001_ccd=2.parquet"), "counts", 100, 50.0);
        Assert.Equal(0, (await clean.Build("ExternalMatch")).ExitCode);

        Assert.Equal(0, afterEdit.ExitCode);
        Assert.Contains("Zeropoints[exposure=1001]", afterEdit.Built);
        Assert.Contains("Calibrations[exposure=1001,ccd=2]", afterEdit.Built);
        Assert.DoesNotContain(afterEdit.Built, n => n.StartsWith("Zeropoints[exposure=1000]", StringComparison.Ordinal) || n.StartsWith("Calibrations[exposure=1000,", StringComparison.Ordinal));
        Assert.Equal(clean.Products(), ws.Products());
    }
}

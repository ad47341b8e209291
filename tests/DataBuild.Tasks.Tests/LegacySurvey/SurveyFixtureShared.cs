using DataBuild.Tasks.LegacySurvey;

namespace DataBuild.Tasks.Tests.LegacySurvey;

/// <summary>The default survey and its calibration, built once: generation and detection take a moment.</summary>
internal static class Survey
{
    private static readonly Lazy<SyntheticSurvey> Generated = new(() => SurveyFixture.Generate());
    public static SyntheticSurvey Fixture => Generated.Value;

    private static readonly Lazy<IReadOnlyList<CalibratedCcd>> AllCalibrated = new(() =>
        Fixture.Exposures.SelectMany(e =>
        {
            var zp = ZeropointSolver.Solve(e, Fixture.ReferenceCatalog).Zeropoint;
            return e.Ccds.Select(c => new CalibratedCcd(c, CcdCalibrator.Calibrate(c), zp));
        }).ToList());
    public static IReadOnlyList<CalibratedCcd> Calibrated => AllCalibrated.Value;
}

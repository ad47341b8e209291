using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.Pipelines.Products;
using DataBuild.Products;
using DataBuild.Tasks.LegacySurvey;

namespace DataBuild.Pipelines;

/// <summary>
/// A Legacy Survey data release in miniature: CCD exposures -> zeropoints (per exposure) -> calibrated CCDs (per CCD)
/// -> the bricks the CCD footprints touch -> a catalog per brick -> sweeps (RA slices) -> a match to an external
/// catalog. Exposures, bricks and sweeps are all discovered from the data, none is listed by hand.
/// </summary>
public sealed partial class Pipelines
{
    [Parameter("How many ExternalMatch tasks may query the external catalog at once")]
    readonly int ExternalCatalogConnections = 2;

    [Parameter("Catalogs: seconds each brick's step waits after each CCD (0: none; a test knob to stop it mid-brick)")]
    readonly double CatalogsPauseSeconds = 0;

    const string SurveyCcds = "data/legacysurvey/ccds";
    const string SurveyReference = "data/legacysurvey/reference.parquet";
    const string SurveyBrickList = "out/legacysurvey/bricks.parquet";

    Target SurveyFixture => _ => _
        .Description("synthetic CCD exposures (pixels + WCS, one Parquet file per CCD) and the reference catalog")
        .OutputDirectory("ccds", SurveyCcds)
        .Output("reference", SurveyReference)
        .BuildOnlyWhenMissing()
        .Executes(ctx =>
        {
            var survey = Tasks.LegacySurvey.SurveyFixture.Generate();
            foreach (var ccd in survey.Exposures.SelectMany(e => e.Ccds))
                SurveyFiles.WriteCcd(Path.Combine(ctx.Output("ccds"), SurveyFiles.CcdFileName(ccd.ExposureId, ccd.Ccd)), ccd,
                    ctx.Provenance(nameof(SurveyFixture), "1"));
            SurveyFiles.WriteReference(ctx.Output("reference"), survey.ReferenceCatalog, ctx.Provenance(nameof(SurveyFixture), "1"));
        }, version: "1");

    Target Zeropoints => _ => _
        .Description("photometric zeropoint of each exposure, from its CCDs' stars matched to the reference catalog")
        .PartitionsFrom(SurveyFixture, src => CcdsIn(src.Output("ccds")).Select(c => c.Exposure).Distinct().Select(e => Key("exposure", e)))
        .InputGlob("ccds", SurveyCcds + "/exposure={exposure}_ccd=*.parquet")
        .Input("reference", SurveyReference)
        .Output("out/legacysurvey/zeropoints/exposure={exposure}.json")
        .Executes(ctx =>
        {
            var ccds = ctx.Inputs("ccds").Select(p => SurveyFiles.ReadCcd(p).Image).OrderBy(c => c.Ccd).ToList();
            var exposure = new Exposure(int.Parse(ctx["exposure"], CultureInfo.InvariantCulture), ccds[0].Wcs.CrVal1, ccds[0].Wcs.CrVal2, ccds);
            var zp = ZeropointSolver.Solve(exposure, SurveyFiles.ReadReference(ctx.Input("reference")));
            File.WriteAllText(ctx.Output(), JsonText.Write(json =>
            {
                json.WriteNumber("exposure", zp.ExposureId);
                json.WriteNumber("zeropoint", zp.Zeropoint);
                json.WriteNumber("scatter", zp.Scatter);
                json.WriteNumber("matched_stars", zp.MatchedStars);
            }));
        }, version: "1");

    Target Calibrations => _ => _
        .Description("each CCD calibrated: sky level and noise, PSF width, and its exposure's zeropoint")
        .PartitionsFrom(SurveyFixture, src => CcdsIn(src.Output("ccds")).Select(c => Key("exposure", c.Exposure, "ccd", c.Ccd)))
        .DependsOn(Zeropoints)
        .Input("pixels", SurveyCcds + "/exposure={exposure}_ccd={ccd}.parquet")
        .Output("out/legacysurvey/calibrated/exposure={exposure}_ccd={ccd}.parquet")
        .Executes(ctx =>
        {
            var (image, _) = SurveyFiles.ReadCcd(ctx.Input("pixels"));
            var zp = JsonNode.Parse(File.ReadAllText(ctx.Upstream(nameof(Zeropoints))[0].Output()))!;
            var zeropoint = new ExposureZeropoint(image.ExposureId, (double)zp["zeropoint"]!, (double)zp["scatter"]!, (int)zp["matched_stars"]!);
            SurveyFiles.WriteCalibratedCcd(ctx.Output(), image, CcdCalibrator.Calibrate(image), zeropoint, ctx.Provenance(nameof(Calibrations), "1"));
        }, version: "1");

    Target BrickList => _ => _
        .Description("which bricks each calibrated CCD's footprint touches")
        .DependsOn(Calibrations)
        .Output(SurveyBrickList)
        .Executes(ctx =>
        {
            var rows = ctx.Upstream(nameof(Calibrations))
                .Select(u => SurveyFiles.ReadCcd(u.Output(), pixels: false).Image)
                .SelectMany(ccd => BrickGrid.Touching(ccd).Select(b => (Brick: b, ccd.ExposureId, ccd.Ccd)))
                .OrderBy(r => r.Brick.Row).ThenBy(r => r.Brick.Column).ThenBy(r => r.ExposureId).ThenBy(r => r.Ccd)
                .Select(r => (r.Brick.Name, r.ExposureId, r.Ccd)).ToList();
            SurveyFiles.WriteBrickList(ctx.Output(), rows, ctx.Provenance(nameof(BrickList), "1"));
        }, version: "1");

    Target Catalogs => _ => _
        .Description("per brick: sources detected and measured on the calibrated CCDs that touch it")
        .PartitionsFrom(BrickList, src => SurveyFiles.ReadBrickList(src.Output()).Select(r => r.Brick).Distinct().Select(b => Key("brick", b)))
        // Only the CCDs over this brick, from the brick list (built before any Catalogs node exists).
        .DependsOn(Calibrations, k => SurveyPlan.CcdsOf(k["brick"]).Select(c => Key("exposure", c.Exposure, "ccd", c.Ccd)))
        .Output("out/legacysurvey/catalogs/{brick}.parquet")
        .Executes(ctx =>
        {
            var ccds = ctx.Upstream(nameof(Calibrations)).Select(u => SurveyFiles.ReadCalibratedCcd(u.Output())).ToList();
            // Each CCD's measurements are kept in the node's checkpoint directory: an attempt stopped by the time-limit warning,
            // a preemption or Ctrl-C loses at most the CCD it was on, and the next one resumes (profiles/test-cluster.yaml sets the warning).
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ctx.CancellationToken, ctx.CheckpointRequested);
            var checkpoint = new CatalogCheckpoint(ctx.CheckpointDirectory);
            checkpoint.Progress += line =>
            {
                ctx.Log.WriteLine(line);
                if (CatalogsPauseSeconds > 0) stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(CatalogsPauseSeconds));
            };
            var sources = BrickCatalogBuilder.Build(BrickGrid.ByName(ctx["brick"]), ccds, checkpoint: checkpoint, stop: stop.Token);
            SurveyFiles.WriteSources(ctx.Output(), sources, ctx.Provenance(nameof(Catalogs), "1"));
        }, version: "1");

    Target Sweeps => _ => _
        .Description("brick catalogs gathered into RA slices")
        .PartitionsFrom(BrickList, src => SweepKeys(src.Output()))
        .DependsOn(Catalogs, k => SurveyPlan.BricksOf(k["sweep"]).Select(b => Key("brick", b)))
        .Output("out/legacysurvey/sweeps/{sweep}.parquet")
        .Executes(ctx =>
        {
            var slice = SurveyPlan.SliceNamed(ctx["sweep"]);
            var rows = Tasks.LegacySurvey.Sweeps.Gather(slice, ctx.Upstream(nameof(Catalogs)).Select(u => SurveyFiles.ReadSources(u.Output())));
            SurveyFiles.WriteSources(ctx.Output(), rows, ctx.Provenance(nameof(Sweeps), "1"));
        }, version: "1");

    Target ExternalMatch => _ => _
        .Description("each sweep cross-matched with an external (reference) catalog")
        .PartitionsFrom(BrickList, src => SweepKeys(src.Output()))
        .DependsOn(Sweeps)
        .Input("reference", SurveyReference)
        .Output("out/legacysurvey/external/{sweep}-match.parquet")
        // The external catalog is a shared service: cap the connections across the whole build (and on Slurm).
        .ConcurrencyGroup("external-catalog", ExternalCatalogConnections)
        .Executes(ctx =>
        {
            var sweep = SurveyFiles.ReadSources(ctx.Upstream(nameof(Sweeps))[0].Output());
            var matches = Tasks.LegacySurvey.ExternalMatch.Match(sweep, SurveyFiles.ReadReference(ctx.Input("reference")));
            new Table()
                .Add("brickname", matches.Select(m => m.BrickName).ToArray()).Add("objid", matches.Select(m => m.ObjId).ToArray())
                .Add("ref_id", matches.Select(m => m.ReferenceId).ToArray()).Add("separation_arcsec", matches.Select(m => m.SeparationArcsec).ToArray())
                .Write(ctx.Output(), ctx.Provenance(nameof(ExternalMatch), "1"));
        }, version: "1");

    static IEnumerable<PartitionKey> SweepKeys(string brickList) =>
        SurveyPlan.SlicesOf(SurveyFiles.ReadBrickList(brickList)).Select(s => Key("sweep", s.Slice.Name));

    /// <summary>The (exposure, ccd) of every CCD file in a directory, in name order.</summary>
    static IEnumerable<(int Exposure, int Ccd)> CcdsIn(string directory) =>
        Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            .Select(name => CcdFile().Match(name)).Where(m => m.Success)
            .Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));

    [GeneratedRegex(@"^exposure=(\d+)_ccd=(\d+)\.parquet$")]
    private static partial Regex CcdFile();

    /// <summary>
    /// Which CCDs feed which brick, and which bricks which sweep, from the brick list. Read once per process when the
    /// first Catalogs or Sweeps dependency is resolved: the engine only creates those nodes once BrickList is built.
    /// </summary>
    static class SurveyPlan
    {
        private static List<(string Brick, int Exposure, int Ccd)>? _rows;

        private static List<(string Brick, int Exposure, int Ccd)> Rows => _rows ??= SurveyFiles.ReadBrickList(SurveyBrickList);

        public static IEnumerable<(int Exposure, int Ccd)> CcdsOf(string brick) => Rows.Where(r => r.Brick == brick).Select(r => (r.Exposure, r.Ccd));

        public static IReadOnlyList<(SweepSlice Slice, IReadOnlyList<Brick> Bricks)> SlicesOf(IEnumerable<(string Brick, int Exposure, int Ccd)> rows) =>
            Tasks.LegacySurvey.Sweeps.Plan(rows.Select(r => r.Brick).Distinct().Select(BrickGrid.ByName));

        public static IEnumerable<string> BricksOf(string sweep) => SlicesOf(Rows).Single(s => s.Slice.Name == sweep).Bricks.Select(b => b.Name);

        public static SweepSlice SliceNamed(string sweep) => SlicesOf(Rows).Single(s => s.Slice.Name == sweep).Slice;
    }
}

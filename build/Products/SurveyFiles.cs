using System.Globalization;
using DataBuild.Products;
using DataBuild.Tasks.LegacySurvey;

namespace DataBuild.Pipelines.Products;

/// <summary>
/// The Parquet layouts of the Legacy Survey pipeline. A CCD is one row per pixel (x, y, counts) with its WCS, and
/// once calibrated its sky, seeing and exposure zeropoint, in the key-value metadata (the FITS header's job).
/// Numbers in metadata are written round-trip ("R"), so reading them back gives the same doubles.
/// </summary>
internal static class SurveyFiles
{
    public static string CcdFileName(int exposure, int ccd) => string.Create(CultureInfo.InvariantCulture, $"exposure={exposure}_ccd={ccd}.parquet");

    public static void WriteCcd(string path, CcdImage image, Provenance provenance, params (string Key, string Value)[] extra)
    {
        var count = image.Width * image.Height;
        var x = new int[count];
        var y = new int[count];
        for (var i = 0; i < count; i++) (x[i], y[i]) = (i % image.Width, i / image.Width);
        var w = image.Wcs;
        new Table().Add("x", x).Add("y", y).Add("counts", image.Pixels).Write(path, provenance,
        [
            ("exposure", Text(image.ExposureId)), ("ccd", Text(image.Ccd)), ("width", Text(image.Width)), ("height", Text(image.Height)),
            ("crval1", Text(w.CrVal1)), ("crval2", Text(w.CrVal2)), ("crpix1", Text(w.CrPix1)), ("crpix2", Text(w.CrPix2)),
            ("cd1_1", Text(w.Cd11)), ("cd1_2", Text(w.Cd12)), ("cd2_1", Text(w.Cd21)), ("cd2_2", Text(w.Cd22)),
            .. extra,
        ]);
    }

    /// <summary>A CCD with its pixels, or only its geometry (no pixel read) when <paramref name="pixels"/> is false.</summary>
    public static (CcdImage Image, IReadOnlyDictionary<string, string> Metadata) ReadCcd(string path, bool pixels = true)
    {
        using var file = ProductFile.Open(path);
        var m = file.Metadata;
        double D(string key) => double.Parse(Get(path, m, key), CultureInfo.InvariantCulture);
        int I(string key) => int.Parse(Get(path, m, key), CultureInfo.InvariantCulture);
        var (width, height) = (I("width"), I("height"));
        var wcs = new TangentPlaneWcs(D("crval1"), D("crval2"), D("crpix1"), D("crpix2"), D("cd1_1"), D("cd1_2"), D("cd2_1"), D("cd2_2"));
        var values = new float[pixels ? width * height : 0];
        if (pixels)
        {
            var (x, y, counts) = (file.Column<int>("x"), file.Column<int>("y"), file.Column<float>("counts"));
            if (counts.Length != width * height) throw new InvalidDataException($"{path}: {counts.Length} pixels for a {width}x{height} CCD.");
            for (var i = 0; i < counts.Length; i++) values[y[i] * width + x[i]] = counts[i];
        }
        return (new CcdImage(I("exposure"), I("ccd"), width, height, values, wcs), m);
    }

    public static void WriteCalibratedCcd(string path, CcdImage image, CcdCalibration c, ExposureZeropoint zeropoint, Provenance provenance) =>
        WriteCcd(path, image, provenance,
            ("sky", Text(c.Sky)), ("sky_sigma", Text(c.SkySigma)), ("fwhm_pixels", Text(c.FwhmPixels)), ("fwhm_arcsec", Text(c.FwhmArcsec)),
            ("psf_stars", Text(c.PsfStars)), ("zeropoint", Text(zeropoint.Zeropoint)));

    public static CalibratedCcd ReadCalibratedCcd(string path)
    {
        var (image, m) = ReadCcd(path);
        double D(string key) => double.Parse(Get(path, m, key), CultureInfo.InvariantCulture);
        var calibration = new CcdCalibration(image.ExposureId, image.Ccd, D("sky"), D("sky_sigma"), D("fwhm_pixels"), D("fwhm_arcsec"),
            int.Parse(Get(path, m, "psf_stars"), CultureInfo.InvariantCulture));
        return new CalibratedCcd(image, calibration, D("zeropoint"));
    }

    // ---- catalogs --------------------------------------------------------------------------------------------

    public static void WriteReference(string path, IReadOnlyList<ReferenceStar> stars, Provenance provenance) =>
        new Table().Add("id", stars.Select(s => s.Id).ToArray()).Add("ra", stars.Select(s => s.Ra).ToArray())
            .Add("dec", stars.Select(s => s.Dec).ToArray()).Add("mag", stars.Select(s => s.Mag).ToArray()).Write(path, provenance);

    public static List<ReferenceStar> ReadReference(string path)
    {
        using var file = ProductFile.Open(path);
        var (id, ra, dec, mag) = (file.Column<long>("id"), file.Column<double>("ra"), file.Column<double>("dec"), file.Column<double>("mag"));
        return Enumerable.Range(0, id.Length).Select(i => new ReferenceStar(id[i], ra[i], dec[i], mag[i])).ToList();
    }

    public static void WriteSources(string path, IReadOnlyList<BrickSource> s, Provenance provenance) =>
        new Table()
            .Add("brickname", s.Select(x => x.BrickName).ToArray()).Add("objid", s.Select(x => x.ObjId).ToArray())
            .Add("ra", s.Select(x => x.Ra).ToArray()).Add("dec", s.Select(x => x.Dec).ToArray())
            .Add("flux", s.Select(x => x.Flux).ToArray()).Add("flux_ivar", s.Select(x => x.FluxIvar).ToArray())
            .Add("mag", s.Select(x => x.Mag).ToArray()).Add("nobs", s.Select(x => x.NObs).ToArray())
            .Write(path, provenance);

    public static List<BrickSource> ReadSources(string path)
    {
        using var file = ProductFile.Open(path);
        var (brick, objId, nObs) = (file.StringColumn("brickname"), file.Column<int>("objid"), file.Column<int>("nobs"));
        double[] D(string name) => file.Column<double>(name);
        var (ra, dec, flux, ivar, mag) = (D("ra"), D("dec"), D("flux"), D("flux_ivar"), D("mag"));
        return Enumerable.Range(0, brick.Length).Select(i => new BrickSource(brick[i], objId[i], ra[i], dec[i], flux[i], ivar[i], mag[i], nObs[i])).ToList();
    }

    // ---- brick list: which CCDs touch which brick ------------------------------------------------------------

    public static void WriteBrickList(string path, IReadOnlyList<(string Brick, int Exposure, int Ccd)> rows, Provenance provenance) =>
        new Table().Add("brickname", rows.Select(r => r.Brick).ToArray()).Add("exposure", rows.Select(r => r.Exposure).ToArray())
            .Add("ccd", rows.Select(r => r.Ccd).ToArray()).Write(path, provenance);

    public static List<(string Brick, int Exposure, int Ccd)> ReadBrickList(string path)
    {
        using var file = ProductFile.Open(path);
        var (brick, exposure, ccd) = (file.StringColumn("brickname"), file.Column<int>("exposure"), file.Column<int>("ccd"));
        return Enumerable.Range(0, brick.Length).Select(i => (brick[i], exposure[i], ccd[i])).ToList();
    }

    private static string Get(string path, IReadOnlyDictionary<string, string> m, string key) =>
        m.GetValueOrDefault(key) ?? throw new InvalidDataException($"{path}: no '{key}' in the key-value metadata; it is not a DataBuild CCD file.");

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}

using DataBuild.Products;
using DataBuild.Tasks.Ztf;

namespace DataBuild.Pipelines.Products;

/// <summary>
/// The Parquet layouts of the ZTF pipeline. Light curves are one row per epoch (source_id, ra, dec, mjd, mag,
/// magerr), rows of a source together and in time order: the shape a user can open, edit and write back with
/// any Parquet tool. Features are one row per source.
/// </summary>
internal static class ZtfFiles
{
    // ---- light curves ----------------------------------------------------------------------------------------

    /// <summary>Writes light curves; <paramref name="classes"/> (one per curve) adds the training label column "class".</summary>
    public static void WriteLightCurves(string path, IReadOnlyList<LightCurve> curves, Provenance provenance, IReadOnlyList<string>? classes = null)
    {
        var rows = curves.Sum(c => c.Count);
        var sourceId = new long[rows];
        var ra = new double[rows];
        var dec = new double[rows];
        var label = new string[rows];
        var row = 0;
        for (var s = 0; s < curves.Count; s++)
            for (var i = 0; i < curves[s].Count; i++, row++)
            {
                (sourceId[row], ra[row], dec[row]) = (curves[s].SourceId, curves[s].Ra, curves[s].Dec);
                label[row] = classes?[s] ?? "";
            }
        var table = new Table().Add("source_id", sourceId).Add("ra", ra).Add("dec", dec)
            .Add("mjd", curves.SelectMany(c => c.Mjd).ToArray())
            .Add("mag", curves.SelectMany(c => c.Mag).ToArray())
            .Add("magerr", curves.SelectMany(c => c.MagErr).ToArray());
        if (classes is not null) table.Add("class", label);
        table.Write(path, provenance);
    }

    /// <summary>The light curves of a file, in file order, and the "class" of each when the file has one.</summary>
    public static (List<LightCurve> Curves, List<string>? Classes) ReadLightCurves(string path)
    {
        using var file = ProductFile.Open(path);
        var sourceId = file.Column<long>("source_id");
        var ra = file.Column<double>("ra");
        var dec = file.Column<double>("dec");
        var mjd = file.Column<double>("mjd");
        var mag = file.Column<double>("mag");
        var err = file.Column<double>("magerr");
        var label = file.HasColumn("class") ? file.StringColumn("class") : null;
        var curves = new List<LightCurve>();
        var classes = label is null ? null : new List<string>();
        for (var start = 0; start < sourceId.Length;)
        {
            var end = start;
            while (end < sourceId.Length && sourceId[end] == sourceId[start]) end++;
            curves.Add(new LightCurve(sourceId[start], ra[start], dec[start], mjd[start..end], mag[start..end], err[start..end]));
            classes?.Add(label![start]);
            start = end;
        }
        var repeated = curves.GroupBy(c => c.SourceId).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
            throw new InvalidDataException($"{path}: the rows of source {repeated.Key} are not contiguous; keep each source's epochs together.");
        return (curves, classes);
    }

    /// <summary>(sources, epochs) from the source_id column alone: what the memory estimate of a quad needs.</summary>
    public static (int Sources, int Epochs) CountLightCurves(string path)
    {
        using var file = ProductFile.Open(path);
        var ids = file.Column<long>("source_id");
        return (ids.Distinct().Count(), ids.Length);
    }

    // ---- features --------------------------------------------------------------------------------------------

    public static void WriteFeatures(string path, IReadOnlyList<SourceFeatures> f, Provenance provenance, IReadOnlyList<string>? classes = null)
    {
        var table = new Table()
            .Add("source_id", f.Select(x => x.SourceId).ToArray())
            .Add("ra", f.Select(x => x.Ra).ToArray())
            .Add("dec", f.Select(x => x.Dec).ToArray())
            .Add("n_obs", f.Select(x => x.NObs).ToArray())
            .Add("median", f.Select(x => x.Median).ToArray())
            .Add("weighted_mean", f.Select(x => x.WeightedMean).ToArray())
            .Add("std", f.Select(x => x.Std).ToArray())
            .Add("mad", f.Select(x => x.Mad).ToArray())
            .Add("skew", f.Select(x => x.Skew).ToArray())
            .Add("amplitude", f.Select(x => x.Amplitude).ToArray())
            .Add("chi2_reduced", f.Select(x => x.Chi2Reduced).ToArray())
            .Add("period", f.Select(x => x.Period).ToArray())
            .Add("period_power", f.Select(x => x.PeriodPower).ToArray());
        if (classes is not null) table.Add("class", classes.ToArray());
        table.Write(path, provenance);
    }

    public static (List<SourceFeatures> Features, List<string>? Classes) ReadFeatures(string path)
    {
        using var file = ProductFile.Open(path);
        double[] D(string name) => file.Column<double>(name);
        var (id, ra, dec, nObs) = (file.Column<long>("source_id"), D("ra"), D("dec"), file.Column<int>("n_obs"));
        var (median, wmean, std, mad, skew) = (D("median"), D("weighted_mean"), D("std"), D("mad"), D("skew"));
        var (amplitude, chi2, period, power) = (D("amplitude"), D("chi2_reduced"), D("period"), D("period_power"));
        var features = Enumerable.Range(0, id.Length).Select(i => new SourceFeatures(
            id[i], ra[i], dec[i], nObs[i], median[i], wmean[i], std[i], mad[i], skew[i], amplitude[i], chi2[i], period[i], power[i])).ToList();
        var classes = file.HasColumn("class") ? file.StringColumn("class").ToList() : null;
        return (features, classes);
    }

    // ---- quad list -------------------------------------------------------------------------------------------

    public static void WriteQuadList(string path, IReadOnlyList<(int Ccd, int Quad)> quads, Provenance provenance) =>
        new Table().Add("ccd", quads.Select(q => q.Ccd).ToArray()).Add("quad", quads.Select(q => q.Quad).ToArray()).Write(path, provenance);

    public static IReadOnlyList<(int Ccd, int Quad)> ReadQuadList(string path)
    {
        using var file = ProductFile.Open(path);
        var ccd = file.Column<int>("ccd");
        var quad = file.Column<int>("quad");
        return ccd.Zip(quad).ToList();
    }

    // ---- predictions -----------------------------------------------------------------------------------------

    public static void WritePredictions(string path, IReadOnlyList<Prediction> p, Provenance provenance) =>
        new Table()
            .Add("source_id", p.Select(x => x.SourceId).ToArray())
            .Add("tag", p.Select(x => x.Tag).ToArray())
            .Add("algorithm", p.Select(x => x.Algorithm.Name()).ToArray())
            .Add("probability", p.Select(x => x.Probability).ToArray())
            .Write(path, provenance);

    public static List<Prediction> ReadPredictions(string path)
    {
        using var file = ProductFile.Open(path);
        var id = file.Column<long>("source_id");
        var tag = file.StringColumn("tag");
        var algorithm = file.StringColumn("algorithm");
        var probability = file.Column<double>("probability");
        return Enumerable.Range(0, id.Length)
            .Select(i => new Prediction(id[i], tag[i], ClassifierAlgorithms.Parse(algorithm[i]), probability[i])).ToList();
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.Pipelines.Products;
using DataBuild.Products;
using DataBuild.Tasks.Ztf;

namespace DataBuild.Pipelines;

/// <summary>
/// ZTF variable-star classification (SCoPe-shaped): light curves per quad -> features per quad -> one classifier per
/// (tag, algorithm) trained on a labelled set -> every classifier applied to every quad of a field -> mean and max
/// over algorithms. Raw data lives under data/ztf (editable by hand), products under out/ztf.
/// </summary>
public sealed partial class Pipelines
{
    [Parameter("ZTF fields to process")]
    readonly int[] Fields = [296, 297, 487];

    [Parameter("ZTF classifier tags (periodic, vnv)")]
    readonly string[] Tags = [ZtfTags.Periodic, ZtfTags.VariableNonVariable]; // ZtfTags.All, in its order

    [Parameter("L2 penalty of the logistic-regression classifiers")]
    readonly double LrL2 = 0.01;

    [Parameter("Boosting rounds of the boosted-stumps classifiers")]
    readonly int GbsRounds = 100;

    [Parameter("Learning rate of the boosted-stumps classifiers")]
    readonly double GbsLearningRate = 0.3;

    Target Fixtures => _ => _
        .Description("ZTF light curves of each field (synthetic, seeded): one Parquet file per quad that has sources")
        .PartitionedBy("field", Fields)
        .OutputDirectory("lightcurves", "data/ztf/field={field}")
        // Source data: generated when missing; a hand-edited quad is new data for Features, never overwritten.
        .BuildOnlyWhenMissing()
        .Executes(ctx =>
        {
            foreach (var quad in ZtfFixture.GenerateField(int.Parse(ctx["field"], CultureInfo.InvariantCulture)).Where(q => !q.IsEmpty))
                ZtfFiles.WriteLightCurves(Path.Combine(ctx.Output("lightcurves"), QuadFileName(quad.Quad.Ccd, quad.Quad.Quadrant)),
                    quad.Sources.Select(s => s.Curve).ToList(), ctx.Provenance(nameof(Fixtures), "1"));
        }, version: "1");

    Target Quads => _ => _
        .Description("the quads of each field that have sources, listed from its light-curve files")
        // One partition per field, after Fixtures. Not DependsOn(Fixtures): that would put the content of every
        // light curve into this key, and editing one quad would re-list the field. The list depends only on
        // which files exist, so that is the input.
        .PartitionsFrom(Fixtures, _ => [PartitionKey.None])
        .Parameter("files", k => QuadFilesOf(k["field"]).ToList() is var files ? $"{files.Count} files: {string.Join(" ", files)}" : "")
        .Output("out/ztf/field={field}/quads.parquet")
        .Executes(ctx =>
        {
            var files = ctx.Parameter("files");
            var quads = files[(files.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(ParseQuadFileName).ToList();
            ZtfFiles.WriteQuadList(ctx.Output(), quads, ctx.Provenance(nameof(Quads), "1"));
        }, version: "1");

    Target Features => _ => _
        .Description("per-source light-curve features (statistics and a Lomb-Scargle period) of each quad")
        .PartitionsFrom(Quads, src => ZtfFiles.ReadQuadList(src.Output()).Select(q => Key("ccd", CcdText(q.Ccd), "quad", q.Quad)))
        // This quad's file only: an edit elsewhere in the field does not touch this key.
        .Input("lightcurves", "data/ztf/field={field}/ccd={ccd}_quad={quad}.parquet")
        .Output("out/ztf/field={field}/features/ccd={ccd}_quad={quad}.parquet")
        .MemoryMb(r => QuadMemoryMb(r.Input("lightcurves")[0]))
        .Executes(ctx =>
        {
            var (curves, _) = ZtfFiles.ReadLightCurves(ctx.Input("lightcurves"));
            ZtfFiles.WriteFeatures(ctx.Output(), FeatureExtractor.Compute(curves), ctx.Provenance(nameof(Features), "1"));
        }, version: "1");

    Target TrainingSet => _ => _
        .Description("labelled ZTF training light curves (synthetic, seeded, balanced over classes)")
        .Output("data/ztf/training/lightcurves.parquet")
        .BuildOnlyWhenMissing()
        .Executes(ctx =>
        {
            var sources = ZtfTrainingSet.Generate();
            ZtfFiles.WriteLightCurves(ctx.Output(), sources.Select(s => s.Curve).ToList(), ctx.Provenance(nameof(TrainingSet), "1"),
                sources.Select(s => s.Truth.ToString()).ToList());
        }, version: "1");

    Target TrainingFeatures => _ => _
        .Description("features of the training light curves, with their class")
        .DependsOn(TrainingSet)
        .Output("out/ztf/training/features.parquet")
        .Executes(ctx =>
        {
            var (curves, classes) = ZtfFiles.ReadLightCurves(ctx.Upstream(nameof(TrainingSet))[0].Output());
            if (classes is null) throw new TaskFailedException("The training light curves have no 'class' column; a training set needs labels.");
            ZtfFiles.WriteFeatures(ctx.Output(), FeatureExtractor.Compute(curves), ctx.Provenance(nameof(TrainingFeatures), "1"), classes);
        }, version: "1");

    Target Models => _ => _
        .Description("one classifier per (tag, algorithm), scored on a held-out split")
        .Partitions(() => from tag in Tags from algorithm in ClassifierAlgorithms.All select Key("tag", tag, "algorithm", algorithm.Name()))
        .DependsOn(TrainingFeatures)
        .Parameter("hyperparameters", k => HyperparametersOf(ClassifierAlgorithms.Parse(k["algorithm"])))
        .Output("model", "out/ztf/models/{tag}_{algorithm}.json")
        .Output("metrics", "out/ztf/models/{tag}_{algorithm}.metrics.json")
        .Executes(ctx =>
        {
            var (tag, algorithm) = (ctx["tag"], ClassifierAlgorithms.Parse(ctx["algorithm"]));
            var (features, classes) = ZtfFiles.ReadFeatures(ctx.Upstream(nameof(TrainingFeatures))[0].Output());
            var labels = classes!.Select(c => ZtfTags.Label(tag, Enum.Parse<VariabilityClass>(c))).ToList();
            var (classifier, report) = ClassifierTraining.Train(tag, algorithm, features, labels, TrainingOptions());
            File.WriteAllText(ctx.Output("model"), ClassifierFile.Write(classifier));
            File.WriteAllText(ctx.Output("metrics"), JsonText.Metrics(report, ctx.Parameter("hyperparameters")));
            ctx.Log.WriteLine($"{tag}/{algorithm.Name()}: held-out accuracy {report.Accuracy:F3}, AUC {report.RocAuc:F3} on {report.TestCount} sources");
        }, version: "1");

    Target Predictions => _ => _
        .Description("every classifier applied to every quad of a field")
        .PartitionedBy("field", Fields)
        // Joins on shared dimensions: all quads of this field (fan-in), and every model (no shared dimension).
        .DependsOn(Features, Models)
        .Output("out/ztf/field={field}/predictions.parquet")
        .Executes(ctx =>
        {
            var models = ctx.Upstream(nameof(Models)).Select(m => ClassifierFile.Read(File.ReadAllText(m.Output("model")))).ToList();
            var rows = new List<Prediction>();
            foreach (var quad in ctx.Upstream(nameof(Features)))
            {
                var (features, _) = ZtfFiles.ReadFeatures(quad.Output());
                foreach (var model in models) rows.AddRange(Inference.Predict(model, features));
            }
            var ordered = rows.OrderBy(p => p.SourceId).ThenBy(p => p.Tag, StringComparer.Ordinal).ThenBy(p => p.Algorithm).ToList();
            ZtfFiles.WritePredictions(ctx.Output(), ordered, ctx.Provenance(nameof(Predictions), "1"));
        }, version: "1");

    Target CombinedPredictions => _ => _
        .Description("per source and tag, the mean and max probability over algorithms (Parquet and CSV)")
        .DependsOn(Predictions)
        .PartitionedBy("field", Fields)
        .Output("parquet", "out/ztf/field={field}/combined.parquet")
        .Output("csv", "out/ztf/field={field}/combined.csv")
        .Executes(ctx =>
        {
            var combined = PredictionCombiner.Combine(ZtfFiles.ReadPredictions(ctx.Upstream(nameof(Predictions))[0].Output()));
            new Table()
                .Add("source_id", combined.Select(c => c.SourceId).ToArray())
                .Add("tag", combined.Select(c => c.Tag).ToArray())
                .Add("mean_probability", combined.Select(c => c.MeanProbability).ToArray())
                .Add("max_probability", combined.Select(c => c.MaxProbability).ToArray())
                .Add("algorithms", combined.Select(c => c.AlgorithmCount).ToArray())
                .Write(ctx.Output("parquet"), ctx.Provenance(nameof(CombinedPredictions), "1"));
            File.WriteAllText(ctx.Output("csv"), Csv.Write(["source_id", "tag", "mean_probability", "max_probability", "algorithms"],
                combined.Select(c => new object[] { c.SourceId, c.Tag, c.MeanProbability, c.MaxProbability, c.AlgorithmCount })));
        }, version: "1");

    ClassifierTrainingOptions TrainingOptions() => new()
    {
        LogisticRegression = new() { L2 = LrL2 },
        BoostedStumps = new() { Rounds = GbsRounds, LearningRate = GbsLearningRate },
    };

    /// <summary>The hyperparameters a model of <paramref name="algorithm"/> is trained with: its part of the task key.</summary>
    string HyperparametersOf(ClassifierAlgorithm algorithm)
    {
        var o = TrainingOptions();
        return algorithm == ClassifierAlgorithm.LogisticRegression
            ? Invariant($"l2={o.LogisticRegression.L2} solver={o.LogisticRegression.Solver} test_fraction={o.TestFraction}")
            : Invariant($"rounds={o.BoostedStumps.Rounds} learning_rate={o.BoostedStumps.LearningRate} leaf_l2={o.BoostedStumps.LeafL2} test_fraction={o.TestFraction}");
    }

    /// <summary>Memory for one quad's Features task, from its source and epoch counts (read only when the task is about to run).</summary>
    static long QuadMemoryMb(string lightCurves)
    {
        var (sources, epochs) = ZtfFiles.CountLightCurves(lightCurves);
        return QuadMemoryEstimate.Megabytes(sources, sources == 0 ? 0 : (epochs + sources - 1) / sources, threads: Environment.ProcessorCount);
    }

    static string CcdText(int ccd) => ccd.ToString("00", CultureInfo.InvariantCulture);

    static string QuadFileName(int ccd, int quad) => Invariant($"ccd={CcdText(ccd)}_quad={quad}.parquet");

    static (int Ccd, int Quad) ParseQuadFileName(string name) =>
        QuadFile().Match(name) is { Success: true } m
            ? (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
            : throw new TaskFailedException($"'{name}' is not a quad light-curve file name; expected ccd=NN_quad=N.parquet, e.g. {QuadFileName(3, 2)}.");

    /// <summary>The quad files of a field's light-curve directory, sorted; other files there are ignored.</summary>
    static IEnumerable<string> QuadFilesOf(string field)
    {
        var dir = $"data/ztf/field={field}";
        return Directory.Exists(dir)
            ? Directory.GetFiles(dir).Select(Path.GetFileName).OfType<string>().Where(name => QuadFile().IsMatch(name)).Order(StringComparer.Ordinal)
            : [];
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^ccd=(\d\d)_quad=([1-4])\.parquet$")]
    private static partial Regex QuadFile();
}

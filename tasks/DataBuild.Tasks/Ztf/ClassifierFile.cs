using System.Text;
using System.Text.Json;
using DataBuild.Tasks.Learning;

namespace DataBuild.Tasks.Ztf;

/// <summary>
/// The model file: indented JSON with a fixed key order, "\n" line ends and shortest round-trip doubles, so the
/// same training data and hyperparameters give byte-identical files on every machine, and Read then Write
/// reproduces a file exactly.
/// </summary>
public static class ClassifierFile
{
    private const int FormatVersion = 1;

    public static string Write(TrainedClassifier classifier)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            json.WriteStartObject();
            json.WriteNumber("format_version", FormatVersion);
            json.WriteString("tag", classifier.Tag);
            json.WriteString("algorithm", classifier.Algorithm.Name());
            json.WriteStartArray("features");
            foreach (var name in classifier.FeatureNames) json.WriteStringValue(name);
            json.WriteEndArray();
            switch (classifier.Model)
            {
                case LogisticRegressionModel lr:
                    WriteArray(json, "mean", lr.Standardizer.Mean);
                    WriteArray(json, "scale", lr.Standardizer.Scale);
                    WriteArray(json, "weights", lr.Weights);
                    json.WriteNumber("bias", lr.Bias);
                    break;
                case BoostedStumpsModel gbs:
                    json.WriteNumber("base_logit", gbs.BaseLogit);
                    json.WriteStartArray("stumps");
                    foreach (var s in gbs.Stumps)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("feature", s.Feature);
                        json.WriteNumber("threshold", s.Threshold);
                        json.WriteNumber("left", s.Left);
                        json.WriteNumber("right", s.Right);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    break;
                default:
                    throw new ArgumentException($"Cannot serialise a {classifier.Model.GetType().Name}; only logistic regression and boosted stumps have a file format.");
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static TrainedClassifier Read(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var version = root.GetProperty("format_version").GetInt32();
        if (version != FormatVersion) throw new FormatException($"Model file has format_version {version}; this reader understands {FormatVersion}. Retrain the model.");
        var tag = root.GetProperty("tag").GetString()!;
        var algorithm = ClassifierAlgorithms.Parse(root.GetProperty("algorithm").GetString()!);
        var features = root.GetProperty("features").EnumerateArray().Select(e => e.GetString()!).ToArray();
        IProbabilisticClassifier model = algorithm switch
        {
            ClassifierAlgorithm.LogisticRegression => new LogisticRegressionModel(
                new Standardizer(ReadArray(root, "mean"), ReadArray(root, "scale")), ReadArray(root, "weights"), root.GetProperty("bias").GetDouble()),
            _ => new BoostedStumpsModel(root.GetProperty("base_logit").GetDouble(),
                root.GetProperty("stumps").EnumerateArray().Select(s => new Stump(
                    s.GetProperty("feature").GetInt32(), s.GetProperty("threshold").GetDouble(),
                    s.GetProperty("left").GetDouble(), s.GetProperty("right").GetDouble())).ToArray()),
        };
        return new TrainedClassifier(tag, algorithm, features, model);
    }

    private static void WriteArray(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartArray(name);
        foreach (var v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }

    private static double[] ReadArray(JsonElement root, string name) =>
        root.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
}

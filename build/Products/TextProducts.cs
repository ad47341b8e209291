using System.Globalization;
using System.Text;
using System.Text.Json;
using DataBuild.Tasks.Ztf;

namespace DataBuild.Pipelines.Products;

/// <summary>CSV for people and spreadsheets: invariant culture, shortest round-trip doubles, "\n" line ends.</summary>
internal static class Csv
{
    public static string Write(IReadOnlyList<string> header, IEnumerable<object[]> rows)
    {
        var text = new StringBuilder().AppendJoin(',', header).Append('\n');
        foreach (var row in rows) text.AppendJoin(',', row.Select(Cell)).Append('\n');
        return text.ToString();
    }

    private static string Cell(object value) => value switch
    {
        string s => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>Small JSON products, written with a fixed key order and "\n" line ends so they are byte-stable.</summary>
internal static class JsonText
{
    public static string Metrics(TrainingReport report, string hyperparameters) => Write(json =>
    {
        json.WriteString("tag", report.Tag);
        json.WriteString("algorithm", report.Algorithm.Name());
        json.WriteString("hyperparameters", hyperparameters);
        json.WriteNumber("train_count", report.TrainCount);
        json.WriteNumber("test_count", report.TestCount);
        Number(json, "accuracy", report.Accuracy);
        Number(json, "roc_auc", report.RocAuc);
    });

    /// <summary>One indented object; <paramref name="body"/> writes its properties.</summary>
    public static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>JSON has no NaN: an undefined metric (e.g. AUC of a one-class split) is null.</summary>
    public static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }
}

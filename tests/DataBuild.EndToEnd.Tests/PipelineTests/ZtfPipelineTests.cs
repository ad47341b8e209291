using System.Text.RegularExpressions;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.PipelineTests;

/// <summary>The ZTF example pipeline through the real ./build.sh, from an empty directory.</summary>
public sealed partial class ZtfPipelineTests
{
    private static readonly string[] Field296 = ["--fields", "296"];

    [Fact]
    public async Task Predictions_for_one_field_build_from_an_empty_directory_and_a_rerun_does_nothing()
    {
        using var ws = new PipelineWorkspace();

        // Its time goal (<= 60 s from a fresh clone) is measured by bench/pipelines/run.sh, not asserted here.
        var first = await ws.Build(["Predictions", .. Field296]);
        var second = await ws.Build(["Predictions", .. Field296]);

        Assert.True(first.ExitCode == 0, first.Output + first.Stderr);
        var quads = Directory.GetFiles(ws.File("data/ztf/field=296"), "*.parquet").Length;
        Assert.InRange(quads, 20, 63); // some quads are empty, most are not
        Assert.Equal(
            ["Fixtures", "Quads", "TrainingSet", "TrainingFeatures", "Features", "Models", "Predictions"],
            first.Built.Select(TargetOf).Distinct().Order(TargetOrder).ToList());
        Assert.Equal(quads, first.Built.Count(n => n.StartsWith("Features[field=296,", StringComparison.Ordinal)));
        Assert.Equal(4, first.Built.Count(n => n.StartsWith("Models[", StringComparison.Ordinal)));
        Assert.Contains($"Predictions outputs (1): {ws.File("out/ztf/field=296/predictions.parquet")}", first.Output);
        Assert.True(File.Exists(ws.File("out/ztf/field=296/predictions.parquet")));

        Assert.Equal(0, second.ExitCode);
        Assert.Empty(second.Built);
        Assert.Contains("Nothing to do", second.Output);
    }

    [Fact]
    public async Task A_build_writes_a_trace_row_for_every_task_it_ran()
    {
        using var ws = new PipelineWorkspace();

        var result = await ws.Build(["Predictions", .. Field296]);

        Assert.Equal(0, result.ExitCode);
        var lines = File.ReadAllLines(ws.File(".databuild/runs/1/trace.tsv"));
        Assert.StartsWith("node\ttarget\tpartition\tattempt\texecutor\t", lines[0]);
        Assert.Equal(result.Built.Order(StringComparer.Ordinal), lines.Skip(1).Select(l => l.Split('\t')[0]).Order(StringComparer.Ordinal));
        Assert.All(lines.Skip(1), l => Assert.Contains("\tnever built\t", l));
    }

    [Fact]
    public async Task Edits_rebuild_exactly_what_they_affect_and_end_byte_identical_to_a_clean_build()
    {
        using var ws = new PipelineWorkspace();
        using var clean = new PipelineWorkspace();
        string[] build = ["CombinedPredictions", .. Field296];
        Assert.Equal(0, (await ws.Build(build)).ExitCode);
        var quadFiles = Directory.GetFiles(ws.File("data/ztf/field=296"), "*.parquet").Order(StringComparer.Ordinal).ToList();
        var edited = Path.GetFileName(quadFiles[0]);
        var (ccd, quad) = QuadOf(edited);

        // One magnitude of one quad changes: that quad's features and the field's predictions, nothing else.
        ParquetEdit.AddTo(quadFiles[0], "mag", 7, 0.05);
        var afterEdit = await ws.Build(build);
        // Same bytes, new mtime: hashed again through the stat cache, found unchanged.
        File.SetLastWriteTimeUtc(quadFiles[1], DateTime.UtcNow.AddMinutes(1));
        var afterTouch = await ws.Build(build);
        // A hyperparameter of one algorithm: its models (one per tag) and the predictions that use them.
        var afterHyperparameter = await ws.Build([.. build, "--lr-l2", "0.1"]);

        Assert.Equal(0, afterEdit.ExitCode);
        Assert.Equal(
            ["CombinedPredictions[field=296]", $"Features[field=296,ccd={ccd},quad={quad}]", "Predictions[field=296]"],
            afterEdit.Built.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(0, afterTouch.ExitCode);
        Assert.Empty(afterTouch.Built);
        Assert.Contains("Nothing to do", afterTouch.Output);
        Assert.Equal(0, afterHyperparameter.ExitCode);
        Assert.Equal(
            ["CombinedPredictions[field=296]", "Models[tag=periodic,algorithm=lr]", "Models[tag=vnv,algorithm=lr]", "Predictions[field=296]"],
            afterHyperparameter.Built.Order(StringComparer.Ordinal).ToList());

        // The same edit and parameter from scratch, in another directory.
        Assert.Equal(0, (await clean.Build(["Fixtures", .. Field296])).ExitCode);
        ParquetEdit.AddTo(clean.File($"data/ztf/field=296/{edited}"), "mag", 7, 0.05);
        Assert.Equal(0, (await clean.Build([.. build, "--lr-l2", "0.1"])).ExitCode);
        Assert.Equal(clean.Products(), ws.Products());
    }

    [Fact]
    public async Task A_quad_file_removed_after_an_up_to_date_snapshot_relists_the_field_and_redoes_its_predictions()
    {
        using var ws = new PipelineWorkspace();
        string[] build = ["CombinedPredictions", .. Field296];
        Assert.Equal(0, (await ws.Build(build)).ExitCode);
        await Task.Delay(300); // outputs older than a timestamp tick of the next build's start
        Assert.Equal(0, (await ws.Build(build)).ExitCode); // a full no-op: saves the snapshot
        var answered = await ws.Build(build);
        var quadFiles = Directory.GetFiles(ws.File("data/ztf/field=296"), "*.parquet").Order(StringComparer.Ordinal).ToList();
        File.Delete(quadFiles[^1]);

        var afterRemoval = await ws.Build(build);

        Assert.Contains("unchanged since run", answered.Output);
        Assert.Equal(0, afterRemoval.ExitCode);
        Assert.Equal(["CombinedPredictions[field=296]", "Predictions[field=296]", "Quads[field=296]"], afterRemoval.Built.Order(StringComparer.Ordinal).ToList());
    }

    private static string TargetOf(string node) => node.Split('[')[0];

    private static readonly string[] Order = ["Fixtures", "Quads", "TrainingSet", "TrainingFeatures", "Features", "Models", "Predictions"];

    private static readonly IComparer<string> TargetOrder = Comparer<string>.Create((a, b) => Array.IndexOf(Order, a).CompareTo(Array.IndexOf(Order, b)));

    private static (string Ccd, string Quad) QuadOf(string fileName)
    {
        var m = QuadFile().Match(fileName);
        Assert.True(m.Success, fileName);
        return (m.Groups[1].Value, m.Groups[2].Value);
    }

    [GeneratedRegex(@"^ccd=(\d+)_quad=(\d+)\.parquet$")]
    private static partial Regex QuadFile();
}

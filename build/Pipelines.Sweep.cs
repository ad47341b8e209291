using System.Text.Json;
using System.Text.Json.Nodes;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.Pipelines.Products;
using DataBuild.Tasks.Sweep;

namespace DataBuild.Pipelines;

/// <summary>
/// A hyperparameter sweep shaped like the HED workflow's: every line of an unrolled parameter file (JSON lines) is
/// merged over a defaults file into one run; each run trains a small model and writes its scores. A run's partition
/// is the hash of its merged config, so a restart skips every finished run, and editing the defaults gives every
/// run a new config, hence a new id, and reruns them all.
/// </summary>
public sealed partial class Pipelines
{
    [Parameter("Sweep defaults (JSON) every line is merged over; the example's are written there when missing")]
    readonly string SweepDefaults = "data/sweep/defaults.json";

    [Parameter("Sweep unrolled parameter file (JSON lines); the 770-line example is written there when missing")]
    readonly string SweepParameters = "data/sweep/parameters.jsonl";

    [Parameter("Run only the first N lines of the sweep (0 runs all)")]
    readonly int RunsLimit = 40;

    Target SweepFixture => _ => _
        .Description("the example sweep's defaults and unrolled parameter file (7 L2 x 11 learning rates x 10 seeds)")
        .Output("defaults", SweepDefaults)
        .Output("parameters", SweepParameters)
        // The user's own files, when present, are the sweep: never overwritten.
        .BuildOnlyWhenMissing()
        .Executes(ctx =>
        {
            File.WriteAllText(ctx.Output("defaults"), JsonNode.Parse(ExampleSweep.DefaultsJson)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n");
            File.WriteAllText(ctx.Output("parameters"), ExampleSweep.UnrolledParameterFile());
        }, version: "1");

    Target SweepPlan => _ => _
        .Description("each line of the unrolled parameter file merged over the defaults: one config per run")
        .DependsOn(SweepFixture)
        .Parameter("runs_limit", RunsLimit)
        .Output("out/sweep/plan.jsonl")
        .Executes(ctx =>
        {
            var upstream = ctx.Upstream(nameof(SweepFixture))[0];
            IReadOnlyList<RunConfig> runs;
            try
            {
                runs = UnrolledParameterFile.Expand(File.ReadAllText(upstream.Output("defaults")), File.ReadAllText(upstream.Output("parameters")));
            }
            catch (FormatException e)
            {
                throw new TaskFailedException($"{upstream.Output("parameters")} over {upstream.Output("defaults")}: {e.Message}");
            }
            var limit = int.Parse(ctx.Parameter("runs_limit"), System.Globalization.CultureInfo.InvariantCulture);
            var selected = limit > 0 ? runs.Take(limit) : runs;
            File.WriteAllText(ctx.Output(), string.Concat(selected.Select(r =>
                $"{{\"run\":\"{r.RunId}\",\"line\":{r.Line},\"config\":{r.CanonicalJson}}}\n")));
            ctx.Log.WriteLine($"{runs.Count} lines, {(limit > 0 ? Math.Min(limit, runs.Count) : runs.Count)} planned (--runs-limit {limit})");
        }, version: "1");

    Target Runs => _ => _
        .Description("one training run per planned config (partition: the config's hash): trains a model, writes scores")
        // Partitions only, no DependsOn: a run's key is its own config, not the whole plan, so --runs-limit 80
        // adds 40 runs and leaves the first 40 up to date.
        .PartitionsFrom(SweepPlan, src => SweepPlanFile.Read(src.Output()).Select(p => Key("run", p.RunId)))
        .Parameter("config", k => SweepPlanFile.ConfigOf(k["run"]))
        .Output("out/sweep/runs/{run}.json")
        .Executes(ctx =>
        {
            var run = RunConfig.Create(0, (JsonObject)JsonNode.Parse(ctx.Parameter("config"))!);
            if (run.RunId != ctx["run"]) throw new TaskFailedException($"Run {ctx["run"]}: its config hashes to {run.RunId}; the plan is inconsistent, rebuild SweepPlan.");
            var scores = TrainingRun.Execute(run);
            File.WriteAllText(ctx.Output(), JsonText.Write(json =>
            {
                json.WriteString("run", run.RunId);
                json.WritePropertyName("config");
                json.WriteRawValue(run.CanonicalJson);
                JsonText.Number(json, "train_loss", scores.TrainLoss);
                JsonText.Number(json, "validation_loss", scores.ValidationLoss);
                JsonText.Number(json, "train_accuracy", scores.TrainAccuracy);
                JsonText.Number(json, "validation_accuracy", scores.ValidationAccuracy);
            }));
        }, version: "1");

    Target SweepScores => _ => _
        .Description("the scores of every run in one table, best validation loss first")
        .DependsOn(Runs)
        .Output("out/sweep/scores.csv")
        .Executes(ctx =>
        {
            var rows = ctx.Upstream(nameof(Runs)).Select(r => JsonNode.Parse(File.ReadAllText(r.Output()))!.AsObject())
                .Select(s => new object[]
                {
                    (string)s["run"]!, (double)s["config"]!["model"]!["l2"]!, (double)s["config"]!["model"]!["learning_rate"]!,
                    (long)s["config"]!["data"]!["seed"]!, (double?)s["validation_loss"] ?? double.NaN, (double?)s["validation_accuracy"] ?? double.NaN,
                })
                .OrderBy(r => (double)r[4]).ThenBy(r => (string)r[0], StringComparer.Ordinal);
            File.WriteAllText(ctx.Output(), Csv.Write(["run", "l2", "learning_rate", "seed", "validation_loss", "validation_accuracy"], rows));
        }, version: "1");
}

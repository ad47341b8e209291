using DataBuild.Tasks.Learning;
using DataBuild.Tasks.Ztf;
using Xunit;
using Xunit.Abstractions;

namespace DataBuild.Tasks.Tests.Ztf;

public class ZtfPipelineTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<SourceFeatures>> TrainingFeatures = new(() =>
        FeatureExtractor.Compute(ZtfTrainingSet.Generate().Select(s => s.Curve).ToList()));

    private static IReadOnlyList<int> TrainingLabels(string tag) =>
        ZtfTrainingSet.Generate().Select(s => ZtfTags.Label(tag, s.Truth)).ToList();

    [Fact]
    public void Features_recover_the_period_of_most_periodic_sources()
    {
        var periodic = ZtfTrainingSet.Generate().Where(s => s.Truth == VariabilityClass.Periodic).ToList();

        var features = FeatureExtractor.Compute(periodic.Select(s => s.Curve).ToList());

        var recovered = periodic.Zip(features).Count(p => Math.Abs(p.Second.Period / p.First.TruePeriod!.Value - 1) < 0.02);
        Assert.True(recovered > 0.8 * periodic.Count, $"{recovered} of {periodic.Count} periods recovered");
    }

    [Fact]
    public void Features_of_a_whole_field_cover_every_source_in_order()
    {
        // Speed is measured by bench/pipelines/run.sh, never asserted in a unit test.
        var curves = ZtfFixture.GenerateField(296).SelectMany(q => q.Sources).Select(s => s.Curve).ToList();

        var features = FeatureExtractor.Compute(curves);

        output.WriteLine($"{features.Count} sources, {curves.Sum(c => c.Count)} epochs");
        Assert.Equal(curves.Select(c => c.SourceId), features.Select(f => f.SourceId));
        Assert.Equal(curves.Select(c => c.Count), features.Select(f => f.NObs));
    }

    [Theory]
    [InlineData(ZtfTags.VariableNonVariable, ClassifierAlgorithm.LogisticRegression)]
    [InlineData(ZtfTags.VariableNonVariable, ClassifierAlgorithm.BoostedStumps)]
    [InlineData(ZtfTags.Periodic, ClassifierAlgorithm.LogisticRegression)]
    [InlineData(ZtfTags.Periodic, ClassifierAlgorithm.BoostedStumps)]
    public void Both_algorithms_reach_an_AUC_above_0_9_on_held_out_training_sources(string tag, ClassifierAlgorithm algorithm)
    {
        var (_, report) = ClassifierTraining.Train(tag, algorithm, TrainingFeatures.Value, TrainingLabels(tag));

        output.WriteLine(report.ToString());
        Assert.InRange(report.TestCount, 100, 200);
        Assert.True(report.RocAuc > 0.9, report.ToString());
        Assert.True(report.Accuracy > 0.8, report.ToString());
    }

    [Theory]
    [InlineData(ClassifierAlgorithm.LogisticRegression)]
    [InlineData(ClassifierAlgorithm.BoostedStumps)]
    public void A_model_file_reads_back_and_writes_out_byte_identically(ClassifierAlgorithm algorithm)
    {
        var (classifier, _) = ClassifierTraining.Train(ZtfTags.Periodic, algorithm, TrainingFeatures.Value, TrainingLabels(ZtfTags.Periodic));
        var text = ClassifierFile.Write(classifier);

        var readBack = ClassifierFile.Read(text);

        Assert.Equal(text, ClassifierFile.Write(readBack));
        var source = TrainingFeatures.Value[0].ToVector();
        Assert.Equal(classifier.Model.PredictProbability(source), readBack.Model.PredictProbability(source));
    }

    [Fact]
    public void Retraining_on_the_same_data_gives_a_byte_identical_model_file()
    {
        var labels = TrainingLabels(ZtfTags.VariableNonVariable);
        var fresh = FeatureExtractor.Compute(ZtfTrainingSet.Generate().Select(s => s.Curve).ToList());

        var first = ClassifierTraining.Train(ZtfTags.VariableNonVariable, ClassifierAlgorithm.BoostedStumps, TrainingFeatures.Value, labels).Classifier;
        var second = ClassifierTraining.Train(ZtfTags.VariableNonVariable, ClassifierAlgorithm.BoostedStumps, fresh, labels).Classifier;

        Assert.Equal(ClassifierFile.Write(first), ClassifierFile.Write(second));
    }

    [Fact]
    public void Inference_refuses_a_model_trained_on_other_features()
    {
        var model = new TrainedClassifier("vnv", ClassifierAlgorithm.BoostedStumps, ["n_obs"], new BoostedStumpsModel(0, []));
        var error = Assert.Throws<ArgumentException>(() => Inference.Predict(model, TrainingFeatures.Value));
        Assert.Contains("Retrain", error.Message);
    }

    [Fact]
    public void Combine_reports_mean_and_max_per_source_and_tag_sorted_by_source()
    {
        Prediction[] predictions =
        [
            new(2, "vnv", ClassifierAlgorithm.BoostedStumps, 0.9),
            new(1, "vnv", ClassifierAlgorithm.LogisticRegression, 0.2),
            new(2, "vnv", ClassifierAlgorithm.LogisticRegression, 0.5),
            new(1, "vnv", ClassifierAlgorithm.BoostedStumps, 0.4),
        ];

        var combined = PredictionCombiner.Combine(predictions);

        Assert.Equal([new CombinedPrediction(1, "vnv", 0.3, 0.4, 2), new CombinedPrediction(2, "vnv", 0.7, 0.9, 2)],
            combined.Select(c => c with { MeanProbability = Math.Round(c.MeanProbability, 12) }));
    }

    [Fact]
    public void Combine_refuses_the_same_algorithm_twice_for_one_source()
    {
        Prediction[] twice = [new(1, "vnv", ClassifierAlgorithm.BoostedStumps, 0.9), new(1, "vnv", ClassifierAlgorithm.BoostedStumps, 0.8)];
        Assert.Throws<ArgumentException>(() => PredictionCombiner.Combine(twice));
    }

    [Fact]
    public void Memory_estimate_grows_with_sources_and_epochs_in_64_MB_steps()
    {
        Assert.Equal(320, QuadMemoryEstimate.Megabytes(30, 120));
        Assert.Equal(320, QuadMemoryEstimate.Megabytes(0, 0));
        var big = QuadMemoryEstimate.Megabytes(20_000, 500);
        Assert.Equal(0, big % 64);
        Assert.True(big > 1500, $"{big} MB");
    }
}

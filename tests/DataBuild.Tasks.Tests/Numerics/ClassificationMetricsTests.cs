using DataBuild.Tasks.Numerics;
using Xunit;

namespace DataBuild.Tasks.Tests.Numerics;

public class ClassificationMetricsTests
{
    [Fact]
    public void AUC_of_a_perfect_ranking_is_one_and_of_a_reversed_ranking_zero()
    {
        Assert.Equal(1.0, ClassificationMetrics.RocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]));
        Assert.Equal(0.0, ClassificationMetrics.RocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]));
    }

    [Fact]
    public void AUC_counts_correctly_ordered_pairs_and_ties_as_half()
    {
        // Positives 0.4, 0.8; negatives 0.1, 0.4, 0.6. Pairs: 0.4>0.1 (1), 0.4=0.4 (½), 0.4<0.6 (0), 0.8 beats all (3) -> 4.5/6.
        Assert.Equal(0.75, ClassificationMetrics.RocAuc([0.1, 0.4, 0.4, 0.6, 0.8], [0, 1, 0, 0, 1]), 12);
    }

    [Fact]
    public void AUC_is_undefined_with_one_class()
    {
        Assert.True(double.IsNaN(ClassificationMetrics.RocAuc([0.1, 0.9], [1, 1])));
    }

    [Fact]
    public void Accuracy_thresholds_probabilities_at_one_half()
    {
        Assert.Equal(0.75, ClassificationMetrics.Accuracy([0.2, 0.5, 0.7, 0.4], [0, 1, 1, 1]), 12);
    }
}

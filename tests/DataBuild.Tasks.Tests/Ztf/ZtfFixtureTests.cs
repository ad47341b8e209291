using DataBuild.Tasks.Ztf;
using Xunit;

namespace DataBuild.Tasks.Tests.Ztf;

public class ZtfFixtureTests
{
    [Fact]
    public void The_same_seed_gives_identical_light_curves()
    {
        var first = ZtfFixture.GenerateField(296);
        var second = ZtfFixture.GenerateField(296);

        Assert.Equal(Fingerprint(first), Fingerprint(second));
    }

    [Fact]
    public void Different_fields_and_seeds_give_different_light_curves()
    {
        Assert.NotEqual(Fingerprint(ZtfFixture.GenerateField(296)), Fingerprint(ZtfFixture.GenerateField(297)));
        Assert.NotEqual(Fingerprint(ZtfFixture.GenerateField(296)), Fingerprint(ZtfFixture.GenerateField(296, seed: 1)));
    }

    [Fact]
    public void A_quad_generated_alone_equals_the_same_quad_inside_its_field()
    {
        var field = ZtfFixture.GenerateField(487);
        var quad = field.First(q => !q.IsEmpty).Quad;

        Assert.Equal(Fingerprint([field.Single(q => q.Quad == quad)]), Fingerprint([ZtfFixture.GenerateQuad(quad)]));
    }

    [Theory]
    [InlineData(296)]
    [InlineData(297)]
    [InlineData(487)]
    public void Every_field_has_64_quads_some_empty_and_counts_within_the_specified_ranges(int fieldNumber)
    {
        var field = ZtfFixture.GenerateField(fieldNumber);

        Assert.Equal(64, field.Count);
        Assert.Contains(field, q => q.IsEmpty);
        Assert.InRange(field.Count(q => !q.IsEmpty), 25, 55);
        foreach (var quad in field.Where(q => !q.IsEmpty))
        {
            Assert.InRange(quad.Sources.Count, 10, 50);
            foreach (var source in quad.Sources)
            {
                Assert.InRange(source.Curve.Count, 50, 200);
                Assert.True(source.Curve.Mjd.Zip(source.Curve.Mjd.Skip(1)).All(p => p.First <= p.Second), "epochs sorted by time");
            }
        }
        Assert.Contains(field.SelectMany(q => q.Sources), s => s.Truth == VariabilityClass.Periodic);
    }

    [Fact]
    public void Source_ids_are_unique_across_fields_and_encode_the_quad()
    {
        int[] fields = [296, 297, 487]; // the example pipeline's
        var ids = fields.SelectMany(f => ZtfFixture.GenerateField(f)).SelectMany(q => q.Sources).Select(s => s.Curve.SourceId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(296_16_4_00007L, new QuadId(296, 16, 4).SourceId(7));
    }

    [Fact]
    public void The_training_set_is_balanced_across_classes_and_labels_each_tag()
    {
        var training = ZtfTrainingSet.Generate(300);

        Assert.All(Enum.GetValues<VariabilityClass>(), c => Assert.Equal(100, training.Count(s => s.Truth == c)));
        Assert.Equal(200, training.Sum(s => ZtfTags.Label(ZtfTags.VariableNonVariable, s.Truth)));
        Assert.Equal(100, training.Sum(s => ZtfTags.Label(ZtfTags.Periodic, s.Truth)));
    }

    /// <summary>A string that changes if any id, position or epoch value changes in any bit.</summary>
    private static string Fingerprint(IEnumerable<QuadLightCurves> quads) => string.Join(";", quads.SelectMany(q => q.Sources).Select(s =>
        $"{s.Curve.SourceId},{BitConverter.DoubleToInt64Bits(s.Curve.Ra)},{BitConverter.DoubleToInt64Bits(s.Curve.Dec)},{s.Truth}," +
        string.Join(",", s.Curve.Mjd.Concat(s.Curve.Mag).Concat(s.Curve.MagErr).Select(BitConverter.DoubleToInt64Bits))));
}

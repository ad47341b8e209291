using DataBuild.Model;

namespace DataBuild.Targets.Tests.Model;

public sealed class PartitionKeyTests
{
    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("a b")]
    public void A_value_that_is_not_a_safe_path_segment_is_rejected(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => PartitionKey.Of("field", value));

        Assert.Contains($"Partition value field='{value}' is not allowed", error.Message);
    }

    [Fact]
    public void A_dimension_named_twice_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => PartitionKey.Parse("field=1,field=2"));

        Assert.Contains("'field' appears twice", error.Message);
    }

    [Fact]
    public void A_key_round_trips_through_its_text_and_keeps_dimension_order()
    {
        var key = PartitionKey.Of(("field", 296), ("ccd", 3));

        Assert.Equal("field=296,ccd=3", key.ToString());
        Assert.Equal(key, PartitionKey.Parse(key.ToString()));
        Assert.Equal("3", key["ccd"]);
    }
}

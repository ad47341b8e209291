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

    [Fact]
    public void Numbers_strings_and_values_longer_than_the_stack_buffer_format_as_name_value_pairs()
    {
        var longValue = new string('x', 300);

        Assert.Equal("field=-3,tag=a.b", PartitionKey.Of(("field", -3), ("tag", "a.b")).ToString());
        Assert.Equal("run=12345678901,band=g", PartitionKey.Of(("run", 12345678901L), ("band", 'g')).ToString());
        var key = PartitionKey.Of(("brick", longValue), ("n", 7));
        Assert.Equal($"brick={longValue},n=7", key.ToString());
        Assert.Equal(longValue, key["brick"]);
        Assert.Equal("7", key["n"]);
    }

    [Fact]
    public void Names_are_checked_whatever_the_value()
    {
        var error = Assert.Throws<ArgumentException>(() => PartitionKey.Of(("field id", 296)));

        Assert.Contains("Partition dimension name 'field id'", error.Message);
        Assert.Throws<ArgumentException>(() => PartitionKey.Of(("quad", 1), ("quad", 2)));
    }
}

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

    [Fact]
    public void Numbers_text_and_characters_make_the_same_key_with_or_without_boxing()
    {
        var unboxed = PartitionKey.Of("field", 296, "run", 12345678901L, "band", 'g');
        var boxed = PartitionKey.Of(("field", 296), ("run", 12345678901L), ("band", 'g'));

        Assert.Equal("field=296,run=12345678901,band=g", unboxed.ToString());
        Assert.Equal(boxed, unboxed);
        Assert.Equal(PartitionKey.Of(("ccd", "03"), ("quad", 2)), PartitionKey.Of("ccd", "03", "quad", 2));
        Assert.Equal(PartitionKey.Of(("ccd", "03")), PartitionKey.Of("ccd", "03"));
        Assert.Equal("day=Monday,scale=2.5", PartitionKey.Of(("day", DayOfWeek.Monday), ("scale", 2.5)).ToString());
    }

    [Fact]
    public void Numbers_and_text_are_passed_without_an_array_or_boxes()
    {
        static long Allocated(Func<PartitionKey> make)
        {
            make();
            var before = GC.GetAllocatedBytesForCurrentThread();
            make();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var unboxed = Allocated(() => PartitionKey.Of("group", 2, "quad", 12345));
        var boxed = Allocated(() => PartitionKey.Of(("group", 2), ("quad", 12345)));

        // The boxed form also allocates the argument array and a box per number.
        Assert.True(unboxed + 2 * 24 + 40 <= boxed, $"unboxed {unboxed} bytes, boxed {boxed} bytes");
    }

    [Fact]
    public void The_unboxed_forms_check_names_values_and_duplicates_like_the_boxed_one()
    {
        Assert.Throws<ArgumentException>(() => PartitionKey.Of("field id", 296));
        Assert.Throws<ArgumentException>(() => PartitionKey.Of("tag", "a/b", "quad", 1));
        Assert.Throws<ArgumentException>(() => PartitionKey.Of("quad", 1, "ccd", 2, "quad", 3));
        var error = Assert.Throws<ArgumentNullException>(() => PartitionKey.Of("field", 1, "ccd", (string)null!));
        Assert.Contains("'ccd'", error.Message);
    }

    [Fact]
    public void A_key_joined_with_another_keeps_its_dimensions_first_and_refuses_disagreement()
    {
        var key = PartitionKey.Of("field", 296, "ccd", 3);

        Assert.Equal("field=296,ccd=3,quad=2", key.With(PartitionKey.Of("ccd", 3, "quad", 2)).ToString());
        Assert.Same(key, key.With(PartitionKey.None));
        Assert.Throws<ArgumentException>(() => key.With(PartitionKey.Of("ccd", 4)));
        Assert.Equal(["field", "ccd"], key.Names);
        Assert.Equal([new KeyValuePair<string, string>("field", "296"), new("ccd", "3")], key.Dimensions);
    }
}

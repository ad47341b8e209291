namespace DataBuild.Slurm.Tests;

public class ArrayIndexSetTests
{
    [Fact]
    public void Reads_a_stepped_range_and_its_throttle()
    {
        var set = ArrayIndexSet.Parse("0-9:3%2");

        Assert.Equal([0, 3, 6, 9], set.Indices);
        Assert.Equal(2, set.Throttle);
    }

    [Theory]
    [InlineData(0, 49, 4, "0-49%4")]
    [InlineData(0, 0, null, "0")]
    [InlineData(3, 7, null, "3-7")]
    public void Renders_an_array_option(int first, int last, int? throttle, string expected) =>
        Assert.Equal(expected, ArrayIndexSet.Render(first, last, throttle));
}

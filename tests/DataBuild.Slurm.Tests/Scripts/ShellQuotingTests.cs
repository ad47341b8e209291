namespace DataBuild.Slurm.Tests;

public class ShellQuotingTests
{
    [Theory]
    [InlineData("plain/path-1.fits", "plain/path-1.fits")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    [InlineData("$HOME", "'$HOME'")]
    public void Quotes_only_what_needs_it(string word, string expected) => Assert.Equal(expected, ShellQuoting.Quote(word));
}

using DataBuild.Cli;
using DataBuild.State;
using DataBuild.UpToDate;

namespace DataBuild.Targets.Tests.Cli;

public sealed class ReportTests
{
    [Fact]
    public void The_up_to_date_report_is_the_table_the_verdict_and_the_output_lines()
    {
        var snapshot = new UpToDateSnapshot
        {
            RunId = 42,
            Rows = [new("FanoutFeatures", 10000), new("All", 1), new("Wide", 1234567)],
            OutputLines = ["All outputs (1): /data/all.txt"],
            Witnesses = 20160,
        };
        var o = new StringWriter { NewLine = "\n" };

        Report.UpToDate(o, snapshot, TimeSpan.FromMilliseconds(31));

        // The layout the table has always had, written with the framework's padding as the reference.
        static string Row(string name, object a, object b, object c, object d) => $"{name,-14}  {a,10}  {b,6}  {c,6}  {d,7}";
        Assert.Equal(string.Join("\n",
            "",
            Row("target", "up to date", "built", "failed", "not run"),
            Row("FanoutFeatures", 10000, 0, 0, 0),
            Row("All", 1, 0, 0, 0),
            Row("Wide", 1234567, 0, 0, 0),
            "Nothing to do: all 1244568 nodes are up to date (0.03 s; 20160 files and directories unchanged since run 42 found them up to date).",
            "All outputs (1): /data/all.txt",
            ""), o.ToString());
    }

    [Theory]
    [InlineData(0, "0.00")]
    [InlineData(31, "0.03")]
    [InlineData(1050, "1.05")]
    [InlineData(1996, "2.00")]
    [InlineData(100_020, "100.02")]
    public void The_up_to_date_verdict_gives_seconds_with_two_decimals(int milliseconds, string seconds)
    {
        var o = new StringWriter { NewLine = "\n" };

        Report.UpToDate(o, new UpToDateSnapshot { RunId = 7, Rows = [new("A", 1)], OutputLines = [], Witnesses = 2 }, TimeSpan.FromMilliseconds(milliseconds));

        Assert.Contains($"Nothing to do: all 1 nodes are up to date ({seconds} s; 2 files and directories unchanged since run 7 found them up to date).\n", o.ToString());
    }

    [Fact]
    public void Table_columns_stay_aligned_and_a_number_wider_than_its_column_keeps_two_spaces_before_it()
    {
        var o = new StringWriter { NewLine = "\n" };

        Report.Table(o, [new("Features", 12, 1234567, 0, 3, null), new("Groups", 0, 0, 12345678, 0, "waits for: Features"), new("A", 1, 2, 3, 4, null)]);

        static string Row(string name, object a, object b, object c, object d) => $"{name,-8}  {a,10}  {b,6}  {c,6}  {d,7}";
        Assert.Equal(string.Join("\n",
            "",
            Row("target", "up to date", "built", "failed", "not run"),
            Row("Features", 12, 1234567, 0, 3),
            Row("Groups", 0, 0, 12345678, 0) + "  waits for: Features",
            Row("A", 1, 2, 3, 4),
            ""), o.ToString());
    }
}

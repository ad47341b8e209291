using System.Globalization;

namespace DataBuild.Products.Tests.Support;

/// <summary>Compares the values we read with DuckDB's reading of the same cells: exactly, floats bit for bit.</summary>
public static class Cells
{
    public static void AssertSame(object?[] duckDb, Array ours, string column)
    {
        Assert.True(duckDb.Length == ours.Length, $"column '{column}': DuckDB has {duckDb.Length} rows, we read {ours.Length}");
        for (var row = 0; row < duckDb.Length; row++)
        {
            var (expected, actual) = (duckDb[row], ours.GetValue(row));
            if (!Same(expected, actual))
                Assert.Fail($"column '{column}' row {row}: DuckDB has {Show(expected)}, we read {Show(actual)}");
        }
    }

    private static bool Same(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (double e, double a) => BitConverter.DoubleToInt64Bits(e) == BitConverter.DoubleToInt64Bits(a),
        (float e, float a) => BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a),
        _ => expected.Equals(actual),
    };

    private static string Show(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => $"{f.ToString(null, CultureInfo.InvariantCulture)} ({value.GetType().Name})",
        _ => $"'{value}' ({value.GetType().Name})",
    };
}

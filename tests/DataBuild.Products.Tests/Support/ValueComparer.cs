using System.Globalization;
using System.Text.Json;
using DataBuild.Products.Parquet;
using Xunit;

namespace DataBuild.Products.Tests.Support;

/// <summary>Compares our decoded values with DuckDB's JSON rendering of the same cells, exactly.</summary>
public static class ValueComparer
{
    public static void AssertSameAsDuckDb(DuckDbTable expected, IReadOnlyList<ParquetColumnData> actual, IReadOnlyList<string> names)
    {
        Assert.Equal(expected.Columns.Select(c => c.Name), names);
        for (int c = 0; c < actual.Count; c++)
        {
            Assert.True(expected.Rows.Count == actual[c].Count, $"column '{names[c]}': DuckDB has {expected.Rows.Count} rows, we read {actual[c].Count}");
            for (int r = 0; r < expected.Rows.Count; r++)
            {
                var cell = expected.Rows[r][c];
                string? problem = Compare(cell, actual[c], r);
                if (problem is not null)
                    Assert.Fail($"column '{names[c]}' ({expected.Columns[c].Type}) row {r}: {problem}");
            }
        }
    }

    private static string? Compare(JsonElement cell, ParquetColumnData data, int row)
    {
        object? value = data.GetValue(row);
        if (cell.ValueKind == JsonValueKind.Null)
            return value is null ? null : $"DuckDB has null, we have {Show(value)}";
        if (value is null)
            return $"DuckDB has {cell}, we have null";
        bool same = value switch
        {
            int i => cell.ValueKind == JsonValueKind.Number && cell.GetInt64() == i,
            long l => cell.ValueKind == JsonValueKind.String ? cell.GetString() == l.ToString(CultureInfo.InvariantCulture) : cell.GetInt64() == l,
            float f => Floats(cell, f),
            double d => Floats(cell, d),
            bool b => cell.ValueKind == (b ? JsonValueKind.True : JsonValueKind.False),
            string s => cell.GetString() == s,
            DateTime t => cell.GetString() == Timestamps.ToMicros(t).ToString(CultureInfo.InvariantCulture),
            DateOnly d => cell.GetString() == d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            byte[] bytes => cell.GetString() == Convert.ToHexString(bytes),
            _ => false,
        };
        return same ? null : $"DuckDB has {cell}, we have {Show(value)}";
    }

    private static bool Floats(JsonElement cell, double value) => cell.ValueKind switch
    {
        JsonValueKind.Number => cell.GetDouble().Equals(value),
        JsonValueKind.String => cell.GetString() switch
        {
            "NaN" => double.IsNaN(value),
            "Infinity" => double.IsPositiveInfinity(value),
            "-Infinity" => double.IsNegativeInfinity(value),
            _ => false,
        },
        _ => false,
    };

    private static string Show(object value) => value switch
    {
        byte[] b => Convert.ToHexString(b),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

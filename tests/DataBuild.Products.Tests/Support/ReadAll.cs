using DataBuild.Products.Parquet;

namespace DataBuild.Products.Tests.Support;

public static class ReadAll
{
    /// <summary>Reads every column of every row group, concatenated, as natural .NET types.</summary>
    public static List<ParquetColumnData> Columns(ParquetFile file)
    {
        var result = new List<ParquetColumnData>();
        for (int c = 0; c < file.Schema.Count; c++)
        {
            var parts = file.RowGroups().Select(g => g.ReadColumn(c)).ToList();
            result.Add(Concat(parts, file.Schema[c]));
        }
        return result;
    }

    private static ParquetColumnData Concat(List<ParquetColumnData> parts, ParquetColumn column)
    {
        var values = parts.SelectMany(p => Enumerable.Range(0, p.Count).Select(p.GetValue)).ToArray();
        return new ParquetColumnData<object?>(values, values.Select(v => v is null).ToArray());
    }
}

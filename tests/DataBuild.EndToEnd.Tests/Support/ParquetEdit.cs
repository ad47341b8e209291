using DataBuild.Products.Parquet;

namespace DataBuild.EndToEnd.Tests.Support;

/// <summary>Rewrites a Parquet file as a user's tool would: same schema and metadata, one value changed.</summary>
public static class ParquetEdit
{
    /// <summary>Adds <paramref name="delta"/> to row <paramref name="row"/> of a double or float column <paramref name="column"/>.</summary>
    public static void AddTo(string path, string column, int row, double delta)
    {
        ParquetSchema schema;
        List<ParquetColumnData> columns;
        List<KeyValuePair<string, string>> metadata;
        using (var file = ParquetFile.Open(path))
        {
            schema = new ParquetSchema(file.Schema.Columns.Select(c => new ParquetColumn(c.Name, c.Type, c.Nullable)));
            columns = file.Schema.Columns.Select(c => Read(file, c)).ToList();
            metadata = file.Metadata.KeyValueMetadata.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value ?? "")).ToList();
        }
        switch (columns[schema.IndexOf(column)])
        {
            case ParquetColumnData<double> d: d.Values[row] += delta; break;
            case ParquetColumnData<float> f: f.Values[row] += (float)delta; break;
            default: throw new ArgumentException($"{path}: column {column} is not a double or float column.");
        }
        ParquetFileWriter.Write(path, schema, columns, keyValueMetadata: metadata);
    }

    private static ParquetColumnData Read(ParquetFile file, ParquetColumn column) => column.Type switch
    {
        ParquetType.Int32 => file.ReadColumn<int>(column.Name),
        ParquetType.Int64 => file.ReadColumn<long>(column.Name),
        ParquetType.Float => file.ReadColumn<float>(column.Name),
        ParquetType.Double => file.ReadColumn<double>(column.Name),
        ParquetType.String => file.ReadColumn<string>(column.Name),
        _ => throw new NotSupportedException($"{file.Metadata.Path}: column {column.Name} has type {column.Type}, which this test helper does not rewrite."),
    };
}

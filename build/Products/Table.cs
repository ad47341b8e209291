using DataBuild.Model;
using DataBuild.Products.Parquet;

namespace DataBuild.Pipelines.Products;

/// <summary>
/// A flat table being assembled column by column, then written as one Parquet file with provenance in its
/// key-value metadata. Nothing time- or machine-dependent goes into the file, so a rebuild from the same
/// inputs is byte-identical (which early cutoff and the clean-build comparison rely on).
/// </summary>
internal sealed class Table
{
    private readonly List<ParquetColumn> _schema = [];
    private readonly List<ParquetColumnData> _columns = [];

    public Table Add(string name, long[] values) => Add(name, ParquetType.Int64, new ParquetColumnData<long>(values));

    public Table Add(string name, int[] values) => Add(name, ParquetType.Int32, new ParquetColumnData<int>(values));

    public Table Add(string name, double[] values) => Add(name, ParquetType.Double, new ParquetColumnData<double>(values));

    public Table Add(string name, float[] values) => Add(name, ParquetType.Float, new ParquetColumnData<float>(values));

    public Table Add(string name, string[] values) => Add(name, ParquetType.String, new ParquetColumnData<string>(values));

    private Table Add(string name, ParquetType type, ParquetColumnData data)
    {
        if (_columns.Count > 0 && data.Count != _columns[0].Count)
            throw new ArgumentException($"Column '{name}' has {data.Count} rows but '{_schema[0].Name}' has {_columns[0].Count}.");
        _schema.Add(new ParquetColumn(name, type));
        _columns.Add(data);
        return this;
    }

    public void Write(string path, Provenance provenance, params (string Key, string Value)[] metadata) =>
        ParquetFileWriter.Write(path, new ParquetSchema(_schema), _columns, ParquetWriteOptions.Default,
            provenance.Metadata().Concat(metadata.Select(m => new KeyValuePair<string, string>(m.Key, m.Value))));
}

/// <summary>Where a product came from: the target, partition and task version that made it (never a time or a host).</summary>
internal sealed record Provenance(string Target, PartitionKey Partition, string TaskVersion)
{
    public static Provenance Of(TaskContext ctx, string target, string taskVersion) => new(target, ctx.Partition, taskVersion);

    public IEnumerable<KeyValuePair<string, string>> Metadata() =>
    [
        new("databuild.target", Target),
        new("databuild.partition", Partition.ToString()),
        new("databuild.task_version", TaskVersion),
    ];
}

/// <summary>Reading columns of small products whole.</summary>
internal static class Columns
{
    public static T[] Read<T>(ParquetFile file, string name) => file.ReadColumn<T>(name).Values;
}

using DataBuild.Products.Parquet.Reading;

namespace DataBuild.Products.Parquet;

/// <summary>
/// An open Parquet file. Opening reads only the footer (schema, row groups, statistics, key-value
/// metadata); data pages are read one row group and one column at a time, on request.
/// </summary>
public sealed class ParquetFile : IDisposable
{
    private readonly IParquetSource _source;

    private ParquetFile(IParquetSource source)
    {
        _source = source;
        try
        {
            Metadata = FooterReader.Read(source).Metadata;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>Opens a file and reads its footer. Throws <see cref="ParquetFormatException"/> if it is not valid Parquet.</summary>
    public static ParquetFile Open(string path) => new(new FileSource(path));

    /// <summary>Opens Parquet bytes held in memory; <paramref name="name"/> is used in error messages.</summary>
    public static ParquetFile Open(ReadOnlyMemory<byte> bytes, string name) => new(new MemorySource(bytes, name));

    /// <summary>Reads only the footer of a file and closes it.</summary>
    public static ParquetMetadata ReadMetadata(string path)
    {
        using var file = Open(path);
        return file.Metadata;
    }

    public ParquetMetadata Metadata { get; }

    public ParquetSchema Schema => Metadata.Schema;

    public long RowCount => Metadata.RowCount;

    public int RowGroupCount => Metadata.RowGroups.Count;

    /// <summary>A reader for one row group; nothing is read until a column is asked for.</summary>
    public ParquetRowGroupReader RowGroup(int index)
    {
        if ((uint)index >= (uint)Metadata.RowGroups.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{_source.Name} has {Metadata.RowGroups.Count} row groups.");
        return new ParquetRowGroupReader(_source, Metadata.RowGroups[index]);
    }

    /// <summary>Row groups in file order, for streaming through a file one group at a time.</summary>
    public IEnumerable<ParquetRowGroupReader> RowGroups()
    {
        for (int i = 0; i < Metadata.RowGroups.Count; i++)
            yield return RowGroup(i);
    }

    /// <summary>Reads a whole column across all row groups (convenient for small products).</summary>
    public ParquetColumnData<T> ReadColumn<T>(string name)
    {
        var parts = RowGroups().Select(g => g.ReadColumn<T>(name)).ToList();
        if (parts.Count == 1)
            return parts[0];
        var values = parts.SelectMany(p => p.Values).ToArray();
        bool[]? nulls = parts.Any(p => p.Nulls is not null)
            ? parts.SelectMany(p => p.Nulls ?? new bool[p.Count]).ToArray()
            : null;
        return new ParquetColumnData<T>(values, nulls);
    }

    public void Dispose() => _source.Dispose();
}

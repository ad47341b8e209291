namespace DataBuild.Products.Parquet;

/// <summary>The leaf columns of a file, in file order.</summary>
public sealed class ParquetSchema
{
    private readonly Dictionary<string, int> _indexByName;

    public ParquetSchema(params IEnumerable<ParquetColumn> columns)
    {
        Columns = columns.ToArray();
        _indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < Columns.Count; i++)
        {
            if (!_indexByName.TryAdd(Columns[i].Name, i))
                throw new ArgumentException($"Duplicate column name '{Columns[i].Name}': Parquet column names must be unique.", nameof(columns));
        }
    }

    public IReadOnlyList<ParquetColumn> Columns { get; }

    public int Count => Columns.Count;

    public ParquetColumn this[int index] => Columns[index];

    /// <summary>The index of a column by exact name; throws listing the available columns.</summary>
    public int IndexOf(string name) =>
        _indexByName.TryGetValue(name, out int index)
            ? index
            : throw new KeyNotFoundException($"No column '{name}'. Available columns are: {string.Join(", ", Columns.Select(c => c.Name))}.");

    public bool Contains(string name) => _indexByName.ContainsKey(name);
}

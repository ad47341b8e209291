using DataBuild.Products;

namespace DataBuild.EndToEnd.Tests.Support;

/// <summary>Rewrites a Parquet file as a user's tool would: same columns and metadata, one value changed.</summary>
public static class ParquetEdit
{
    /// <summary>Adds <paramref name="delta"/> to row <paramref name="row"/> of a double or float column <paramref name="column"/>.</summary>
    public static void AddTo(string path, string column, int row, double delta)
    {
        var table = new Table();
        Dictionary<string, string> metadata;
        using (var file = ProductFile.Open(path))
        {
            if (!file.HasColumn(column))
                throw new ArgumentException($"{path}: no column {column}.");
            foreach (var field in file.Reader.Schema.DataFields)
            {
                var name = field.Name;
                var t = field.ClrType;
                if (t == typeof(double)) table.Add(name, Edit(file.Column<double>(name), name == column, v => v + delta));
                else if (t == typeof(float)) table.Add(name, Edit(file.Column<float>(name), name == column, v => v + (float)delta));
                else if (name == column) throw new ArgumentException($"{path}: column {column} is not a double or float column.");
                else if (t == typeof(int)) table.Add(name, file.Column<int>(name));
                else if (t == typeof(long)) table.Add(name, file.Column<long>(name));
                else if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) table.Add(name, file.StringColumn(name));
                else throw new NotSupportedException($"{path}: column {name} holds {t.Name}, which this test helper does not rewrite.");
            }
            metadata = new Dictionary<string, string>(file.Metadata);
        }
        using var output = File.Create(path);
        table.Write(output, metadata);

        T[] Edit<T>(T[] values, bool edited, Func<T, T> change)
        {
            if (edited) values[row] = change(values[row]);
            return values;
        }
    }
}

using DuckDB.NET.Data;

namespace DataBuild.Products.Tests.Support;

/// <summary>DuckDB, in-process, as an outside reference: it writes Parquet files for us to read and reads the ones we write.</summary>
public static class DuckDb
{
    /// <summary>DuckDB writes <c>COPY (select) TO path (FORMAT parquet, options)</c>.</summary>
    public static void Write(string parquetPath, string select, string copyOptions = "") =>
        Execute($"COPY ({select}) TO {Quote(parquetPath)} (FORMAT parquet{(copyOptions.Length > 0 ? ", " + copyOptions : "")})");

    /// <summary>Every row of a Parquet file as DuckDB reads it, with DuckDB's column types.</summary>
    public static DuckDbTable Read(string parquetPath) => Query(parquetPath, "SELECT * FROM read_parquet(?)");

    /// <summary>Runs a query in which every <c>?</c> stands for the quoted file path.</summary>
    public static DuckDbTable Query(string parquetPath, string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql.Replace("?", Quote(parquetPath), StringComparison.Ordinal);
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), reader.GetDataTypeName(i))).ToList();
        var rows = new List<object?[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        return new DuckDbTable(columns, rows);
    }

    private static void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        return connection;
    }

    private static string Quote(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>A query's columns (name, DuckDB type) and rows (null for SQL NULL).</summary>
public sealed record DuckDbTable(List<(string Name, string Type)> Columns, List<object?[]> Rows)
{
    /// <summary>One column's cells, top to bottom.</summary>
    public object?[] Column(string name)
    {
        var index = Columns.FindIndex(c => c.Name == name);
        Assert.True(index >= 0, $"DuckDB has no column '{name}'; it has {string.Join(", ", Columns.Select(c => c.Name))}.");
        return Rows.Select(r => r[index]).ToArray();
    }
}

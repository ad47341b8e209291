using System.Globalization;

namespace DataBuild.Products.Parquet;

/// <summary>
/// Renders what <c>./build.sh inspect &lt;file.parquet&gt; [--rows N]</c> prints: schema, row count,
/// row groups with per-column statistics, key-value metadata, and optionally the first rows as a table.
/// Reads only the footer unless rows are asked for.
/// </summary>
public static class ParquetInspector
{
    private const int MaxCellWidth = 40;

    public static void Write(string path, int rows, TextWriter output)
    {
        using var file = ParquetFile.Open(path);
        var meta = file.Metadata;
        output.WriteLine($"file:     {path} ({meta.FileLength:N0} bytes)");
        output.WriteLine($"created:  {meta.CreatedBy ?? "(unknown writer)"}, format version {meta.Version}");
        output.WriteLine($"rows:     {meta.RowCount:N0} in {meta.RowGroups.Count} row group(s)");
        output.WriteLine();

        output.WriteLine("schema:");
        WriteTable(output, ["column", "type", "physical", "logical", "nullable"],
            meta.Schema.Columns.Select(c => new[]
            {
                c.Name, c.Type.ToString(), c.PhysicalType.ToString(), c.LogicalType ?? "", c.Nullable ? "yes" : "no",
            }).ToList());

        foreach (var group in meta.RowGroups)
        {
            output.WriteLine();
            output.WriteLine($"row group {group.Index}: {group.RowCount:N0} rows, {group.CompressedSize:N0} bytes ({group.UncompressedSize:N0} uncompressed)");
            WriteTable(output, ["column", "codec", "encodings", "bytes", "min", "max", "nulls"],
                group.Columns.Select(c => new[]
                {
                    c.Column.Name,
                    c.Compression.ToString().ToUpperInvariant(),
                    string.Join(",", c.Encodings.Distinct()),
                    c.CompressedSize.ToString("N0", CultureInfo.InvariantCulture),
                    Format(c.Statistics?.Min),
                    Format(c.Statistics?.Max),
                    c.Statistics?.NullCount?.ToString(CultureInfo.InvariantCulture) ?? "",
                }).ToList());
        }

        output.WriteLine();
        output.WriteLine("key-value metadata:");
        if (meta.KeyValueMetadata.Count == 0)
            output.WriteLine("  (none)");
        foreach (var (key, value) in meta.KeyValueMetadata)
            output.WriteLine($"  {key} = {Truncate(value ?? "(null)", 200)}");

        if (rows > 0)
        {
            output.WriteLine();
            output.WriteLine($"first {Math.Min(rows, meta.RowCount):N0} row(s):");
            WriteTable(output, meta.Schema.Columns.Select(c => c.Name).ToList(), FirstRows(file, rows));
        }
    }

    private static List<string[]> FirstRows(ParquetFile file, int limit)
    {
        var table = new List<string[]>();
        foreach (var group in file.RowGroups())
        {
            if (table.Count >= limit)
                break;
            var columns = Enumerable.Range(0, file.Schema.Count).Select(c =>
                file.Schema[c].UnsupportedReason is null ? group.ReadColumn(c) : null).ToList();
            int take = (int)Math.Min(group.RowCount, limit - table.Count);
            for (int r = 0; r < take; r++)
                table.Add(columns.Select(c => c is null ? "(nested)" : c.IsNull(r) ? "null" : Format(c.GetValue(r))).ToArray());
        }
        return table;
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + (t.Kind == DateTimeKind.Utc ? "Z" : ""),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        byte[] b => "0x" + Convert.ToHexString(b),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Truncate(value.ToString() ?? "", MaxCellWidth),
    };

    private static string Truncate(string text, int width)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= width ? text : text[..(width - 1)] + "…";
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<string> header, List<string[]> rows)
    {
        var cells = rows.Select(r => r.Select(c => Truncate(c, MaxCellWidth)).ToArray()).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        output.WriteLine("  " + string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        output.WriteLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in cells)
            output.WriteLine("  " + string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }
}

using System.Globalization;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;

namespace DataBuild.Products;

/// <summary>
/// What <c>./build.sh inspect &lt;file.parquet&gt; [--rows N]</c> prints: the schema (nested columns as a tree), row
/// groups with per-column codec, encodings, sizes and statistics, the key-value metadata with our provenance first,
/// and optionally the first rows as a table. Reads only the footer unless rows are asked for.
/// </summary>
public static class ParquetInspector
{
    private const int MaxCellWidth = 40;

    /// <summary>Writes the report of one file; a file that is not readable Parquet throws <see cref="ProductFormatException"/>.</summary>
    public static void Write(string path, int rows, TextWriter output)
    {
        using var file = ProductFile.Open(path);
        try
        {
            Write(file, rows, output);
        }
        catch (Exception e) when (e is not ProductFormatException and not OutOfMemoryException and not IOException)
        {
            throw new ProductFormatException(path, $"cannot read it: {e.Message}", e);
        }
    }

    private static void Write(ProductFile file, int rows, TextWriter output)
    {
        var reader = file.Reader;
        var meta = reader.Metadata!;
        output.WriteLine($"file:     {file.Path} ({new FileInfo(file.Path).Length:N0} bytes)");
        output.WriteLine($"created:  {meta.CreatedBy ?? "(unknown writer)"}, format version {meta.Version}");
        output.WriteLine($"rows:     {meta.NumRows:N0} in {meta.RowGroups.Count} row group(s)");

        output.WriteLine();
        output.WriteLine("schema:");
        var schemaRows = new List<string[]>();
        var next = 1;
        for (var i = 0; i < (meta.Schema[0].NumChildren ?? 0); i++)
            next = SchemaRows(meta.Schema, next, 0, schemaRows);
        WriteTable(output, ["column", "physical", "logical", "repetition"], schemaRows);

        var leaves = reader.Schema.GetDataFields();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var info = group.RowGroup;
            var chunks = leaves.Select(f => (Field: f, Chunk: group.GetMetadata(f)?.MetaData)).ToList();
            output.WriteLine();
            output.WriteLine($"row group {g}: {info.NumRows:N0} rows, {chunks.Sum(c => c.Chunk?.TotalCompressedSize ?? 0):N0} bytes ({info.TotalByteSize:N0} uncompressed)");
            WriteTable(output, ["column", "codec", "encodings", "bytes", "min", "max", "nulls"],
                chunks.Select(c => (string[])
                [
                    c.Field.Path.ToString(),
                    c.Chunk?.Codec.ToString() ?? "",
                    c.Chunk is null ? "" : string.Join(",", c.Chunk.Encodings.Distinct()),
                    c.Chunk?.TotalCompressedSize.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                    .. Statistics(group, c.Field),
                ]).ToList());
        }

        output.WriteLine();
        output.WriteLine("key-value metadata:");
        var provenance = Provenance.From(file.Metadata);
        if (provenance is not null)
            output.WriteLine($"  made by DataBuild: target {provenance.Target}, partition {provenance.Partition}, task version {provenance.TaskVersion}");
        var others = file.Metadata.Where(kv => provenance is null || !kv.Key.StartsWith(Provenance.KeyPrefix, StringComparison.Ordinal)).ToList();
        if (others.Count == 0 && provenance is null)
            output.WriteLine("  (none)");
        foreach (var (key, value) in others)
            output.WriteLine($"  {key} = {Truncate(value ?? "(null)", 200)}");

        if (rows > 0)
        {
            output.WriteLine();
            output.WriteLine($"first {Math.Min(rows, meta.NumRows):N0} row(s):");
            WriteTable(output, reader.Schema.Fields.Select(f => f.Name).ToList(), FirstRows(reader, rows));
        }
    }

    // One row per schema element, children indented under their group; returns the index after the subtree.
    private static int SchemaRows(List<SchemaElement> elements, int index, int depth, List<string[]> rows)
    {
        var e = elements[index];
        var isGroup = e.NumChildren is > 0 || e.Type is null;
        rows.Add(
        [
            new string(' ', 2 * depth) + e.Name,
            isGroup ? "group" : e.Type!.Value.ToString() + (e.TypeLength is { } n && e.Type == Parquet.Meta.Type.FIXED_LEN_BYTE_ARRAY ? $"({n})" : ""),
            LogicalName(e),
            e.RepetitionType?.ToString().ToLowerInvariant() ?? "",
        ]);
        var next = index + 1;
        for (var i = 0; i < (e.NumChildren ?? 0); i++)
            next = SchemaRows(elements, next, depth + 1, rows);
        return next;
    }

    private static string LogicalName(SchemaElement e)
    {
        var l = e.LogicalType;
        if (l is null)
            return e.ConvertedType?.ToString() ?? "";
        if (l.TIMESTAMP is { } t)
            return $"TIMESTAMP({Unit(t.Unit)}, {(t.IsAdjustedToUTC ? "UTC" : "local")})";
        if (l.TIME is { } time)
            return $"TIME({Unit(time.Unit)}, {(time.IsAdjustedToUTC ? "UTC" : "local")})";
        if (l.DECIMAL is { } d)
            return $"DECIMAL({d.Precision}, {d.Scale})";
        if (l.INTEGER is { } i)
            return $"INT({i.BitWidth}, {(i.IsSigned ? "signed" : "unsigned")})";
        return l.STRING is not null ? "STRING" : l.LIST is not null ? "LIST" : l.MAP is not null ? "MAP" : l.ENUM is not null ? "ENUM"
            : l.DATE is not null ? "DATE" : l.JSON is not null ? "JSON" : l.BSON is not null ? "BSON" : l.UUID is not null ? "UUID"
            : l.FLOAT16 is not null ? "FLOAT16" : l.UNKNOWN is not null ? "NULL" : l.VARIANT is not null ? "VARIANT"
            : l.GEOMETRY is not null ? "GEOMETRY" : l.GEOGRAPHY is not null ? "GEOGRAPHY" : e.ConvertedType?.ToString() ?? "";
    }

    private static string Unit(TimeUnit unit) => unit.NANOS is not null ? "NANOS" : unit.MICROS is not null ? "MICROS" : "MILLIS";

    private static string[] Statistics(ParquetRowGroupReader group, DataField field)
    {
        try
        {
            var s = group.GetStatistics(field);
            var kind = TimeKind(field.SchemaElement);
            string Bound(object? v) => kind is { } k && v is IConvertible c && v is not DateTime and not DateOnly
                ? FormatTime(c.ToInt64(CultureInfo.InvariantCulture), k) : Format(v);
            return [Bound(s?.MinValue), Bound(s?.MaxValue), s?.NullCount?.ToString(CultureInfo.InvariantCulture) ?? ""];
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or InvalidCastException or IndexOutOfRangeException)
        {
            // Statistics of a type Parquet.Net cannot decode are left blank; the data itself may still be readable.
            return ["", "", ""];
        }
    }

    private static List<string[]> FirstRows(ParquetReader reader, int limit)
    {
        var fields = reader.Schema.Fields;
        var table = new List<string[]>();
        for (var g = 0; g < reader.RowGroupCount && table.Count < limit; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var take = (int)Math.Min(group.RowCount, limit - table.Count);
            var columns = fields.Select(f => Cells(group, f, (int)group.RowCount)).ToList();
            for (var r = 0; r < take; r++)
                table.Add(columns.Select(c => c[r]).ToArray());
        }
        return table;
    }

    // A flat column's values as text; a nested one (list, struct, map) is named as such in every cell.
    private static string[] Cells(ParquetRowGroupReader group, Field field, int rows)
    {
        if (field is not DataField data || data.IsArray)
            return Enumerable.Repeat($"({field.SchemaType.ToString().ToLowerInvariant()})", rows).ToArray();
        if (TimeKind(data.SchemaElement) is { } kind)
            return TimeCells(group, data, kind, rows);
        var t = data.ClrType;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) return Read<string?>(rows, m => group.ReadAsync(data, m));
        if (t == typeof(byte[])) return Read<byte[]?>(rows, m => group.ReadAsync(data, m));
        if (t == typeof(bool)) return Cells<bool>(group, data, rows);
        if (t == typeof(sbyte)) return Cells<sbyte>(group, data, rows);
        if (t == typeof(byte)) return Cells<byte>(group, data, rows);
        if (t == typeof(short)) return Cells<short>(group, data, rows);
        if (t == typeof(ushort)) return Cells<ushort>(group, data, rows);
        if (t == typeof(int)) return Cells<int>(group, data, rows);
        if (t == typeof(uint)) return Cells<uint>(group, data, rows);
        if (t == typeof(long)) return Cells<long>(group, data, rows);
        if (t == typeof(ulong)) return Cells<ulong>(group, data, rows);
        if (t == typeof(float)) return Cells<float>(group, data, rows);
        if (t == typeof(double)) return Cells<double>(group, data, rows);
        if (t == typeof(decimal)) return Cells<decimal>(group, data, rows);
        if (t == typeof(Guid)) return Cells<Guid>(group, data, rows);
        return Enumerable.Repeat($"({t.Name})", rows).ToArray();
    }

    private enum Time { Date, Millis, Micros, Nanos }

    // Dates and timestamps are read as their stored integers and converted here: Parquet.Net 6.1 cannot decode them
    // from DELTA_BINARY_PACKED pages, which DuckDB and pyarrow write in format v2.
    private static Time? TimeKind(SchemaElement? e)
    {
        if (e?.LogicalType?.DATE is not null || e?.ConvertedType == ConvertedType.DATE) return Time.Date;
        if (e?.LogicalType?.TIMESTAMP is { } t) return t.Unit.NANOS is not null ? Time.Nanos : t.Unit.MICROS is not null ? Time.Micros : Time.Millis;
        return e?.ConvertedType switch
        {
            ConvertedType.TIMESTAMP_MICROS => Time.Micros,
            ConvertedType.TIMESTAMP_MILLIS => Time.Millis,
            _ => null,
        };
    }

    private static string[] TimeCells(ParquetRowGroupReader group, DataField field, Time kind, int rows)
    {
        // A field of the stored type, in a schema of its own, reads the same column chunk without the conversion.
        if (kind == Time.Date)
        {
            var days = new ParquetSchema(new DataField<int?>(field.Name)).DataFields[0];
            var values = new int?[rows];
            group.ReadAsync<int>(days, values).AsTask().GetAwaiter().GetResult();
            return Array.ConvertAll(values, v => v is null ? "null" : FormatTime(v.Value, kind));
        }
        var ticks = new ParquetSchema(new DataField<long?>(field.Name)).DataFields[0];
        var stored = new long?[rows];
        group.ReadAsync<long>(ticks, stored).AsTask().GetAwaiter().GetResult();
        return Array.ConvertAll(stored, v => v is null ? "null" : FormatTime(v.Value, kind));
    }

    private static string FormatTime(long value, Time kind)
    {
        if (kind == Time.Date)
            return DateOnly.FromDayNumber(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber + (int)value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var ticks = kind switch { Time.Millis => value * TimeSpan.TicksPerMillisecond, Time.Micros => value * 10, _ => value / 100 };
        return Format(DateTime.UnixEpoch.AddTicks(ticks));
    }

    private static string[] Cells<T>(ParquetRowGroupReader group, DataField field, int rows) where T : struct =>
        field.IsNullable
            ? Read<T?>(rows, m => group.ReadAsync<T>(field, m))
            : Read<T>(rows, m => group.ReadAsync<T>(field, m));

    private static string[] Read<T>(int rows, Func<Memory<T>, ValueTask> read)
    {
        var values = new T[rows];
        read(values).AsTask().GetAwaiter().GetResult();
        return Array.ConvertAll(values, v => v is null ? "null" : Format(v));
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
        _ => value.ToString() ?? "",
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

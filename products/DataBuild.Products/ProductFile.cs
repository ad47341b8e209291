using System.Buffers.Binary;
using Parquet;
using Parquet.Schema;

namespace DataBuild.Products;

/// <summary>
/// A Parquet file opened for reading whole columns, the way pipelines read products and raw inputs. Opening reads
/// the footer only; each column read goes through every row group. Any file a Parquet writer makes is read
/// (DuckDB, pyarrow, polars, Spark: every page version, encoding and codec), and every problem is a
/// <see cref="ProductFormatException"/> that names the file and what is wrong with it.
/// </summary>
public sealed class ProductFile : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

    private readonly Stream _stream;
    private readonly ParquetReader _reader;

    private ProductFile(string path, Stream stream, ParquetReader reader)
    {
        Path = path;
        _stream = stream;
        _reader = reader;
    }

    /// <summary>The path the file was opened from, as given.</summary>
    public string Path { get; }

    /// <summary>The Parquet.Net reader, for what this layer does not cover (inspect uses it for the footer's details).</summary>
    public ParquetReader Reader => _reader;

    /// <summary>Rows in the file, over all row groups.</summary>
    public long RowCount => _reader.Metadata?.NumRows ?? 0;

    /// <summary>The top-level column names, in file order.</summary>
    public IReadOnlyList<string> ColumnNames => _reader.Schema.Fields.Select(f => f.Name).ToArray();

    /// <summary>The key-value metadata (our provenance among it), in file order.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _reader.CustomMetadata;

    /// <summary>Opens a file and reads its footer; a file that is not readable Parquet throws <see cref="ProductFormatException"/>.</summary>
    public static ProductFile Open(string path)
    {
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProductFormatException(path, $"cannot open it: {e.Message}", e);
        }
        try
        {
            CheckFraming(path, stream);
            // The schema is decoded here, not at its first use: a damaged one throws whatever Parquet.Net meets.
            var reader = Guard(path, "cannot read its footer", async () =>
            {
                var opened = await ParquetReader.CreateAsync(stream).ConfigureAwait(false);
                try
                {
                    _ = opened.Schema;
                }
                catch
                {
                    await opened.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
                return opened;
            });
            return new ProductFile(path, stream, reader);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file has a top-level column of that name.</summary>
    public bool HasColumn(string name) => _reader.Schema.Fields.Any(f => f.Name == name);

    /// <summary>A whole column of numbers or booleans; a null in it is an error naming the row.</summary>
    public T[] Column<T>(string name) where T : struct
    {
        var field = DataField(name, typeof(T));
        if (!field.IsNullable)
            return Read<T>(name, (group, memory) => group.ReadAsync<T>(field, memory));
        // Other writers (DuckDB, pyarrow) mark every column optional: read the values and their definition levels,
        // which say where a null is, rather than through an array of nullables.
        var levels = new int[checked((int)RowCount)];
        var offset = 0;
        var values = Read<T>(name, (group, memory) =>
        {
            var at = offset;
            offset += memory.Length;
            return group.ReadRawAsync<T>(field, memory, levels.AsMemory(at, memory.Length), null);
        });
        var row = Array.FindIndex(levels, level => level < field.MaxDefinitionLevel);
        if (row >= 0)
            throw new ProductFormatException(Path, $"column '{name}' has a null at row {row}; a value is needed in every row.");
        return values;
    }

    /// <summary>A whole column of numbers or booleans, nulls as null.</summary>
    public T?[] NullableColumn<T>(string name) where T : struct
    {
        var field = DataField(name, typeof(T));
        if (field.IsNullable)
            return Read<T?>(name, (group, memory) => group.ReadAsync<T>(field, memory));
        return Array.ConvertAll(Column<T>(name), v => (T?)v);
    }

    /// <summary>A whole string column; a null in it is an error naming the row.</summary>
    public string[] StringColumn(string name)
    {
        var values = NullableStringColumn(name);
        var row = Array.IndexOf(values, null);
        if (row >= 0)
            throw new ProductFormatException(Path, $"column '{name}' has a null at row {row}; a value is needed in every row.");
        return values!;
    }

    /// <summary>A whole string column, nulls as null.</summary>
    public string?[] NullableStringColumn(string name)
    {
        var field = DataField(name, typeof(string));
        return Read<string?>(name, (group, memory) => group.ReadAsync(field, memory!));
    }

    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }

    private T[] Read<T>(string name, Func<ParquetRowGroupReader, Memory<T>, ValueTask> read)
    {
        var values = new T[checked((int)RowCount)];
        var offset = 0;
        for (var i = 0; i < _reader.RowGroupCount; i++)
        {
            using var group = _reader.OpenRowGroupReader(i);
            var rows = checked((int)group.RowCount);
            Guard(Path, $"cannot read column '{name}' in row group {i}", () => read(group, values.AsMemory(offset, rows)).AsTask());
            offset += rows;
        }
        return values;
    }

    private DataField DataField(string name, Type wanted)
    {
        var field = _reader.Schema.Fields.FirstOrDefault(f => f.Name == name)
            ?? throw new ProductFormatException(Path, $"no column '{name}'. Its columns are: {string.Join(", ", ColumnNames)}.");
        if (field is not DataField data || data.IsArray)
            throw new ProductFormatException(Path, $"column '{name}' is a nested {field.SchemaType.ToString().ToLowerInvariant()} column; a flat column is needed here.");
        var holds = data.ClrType == typeof(ReadOnlyMemory<char>) ? typeof(string) : data.ClrType;
        if (holds != wanted)
            throw new ProductFormatException(Path, $"column '{name}' holds {TypeName(holds)} values, not {TypeName(wanted)}.");
        return data;
    }

    private static string TypeName(Type type) => type == typeof(int) ? "int32" : type == typeof(long) ? "int64"
        : type == typeof(float) ? "float" : type == typeof(double) ? "double" : type == typeof(bool) ? "boolean"
        : type == typeof(string) ? "string" : type.Name;

    // Checked here rather than left to Parquet.Net so that a user gets one line saying what is wrong with the file.
    private static void CheckFraming(string path, Stream stream)
    {
        var length = stream.Length;
        if (length < 12)
            throw new ProductFormatException(path, length == 0 ? "the file is empty, not Parquet." : $"{length} bytes is too short to be a Parquet file (truncated?).");
        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[8];
        stream.ReadExactly(head);
        stream.Seek(-8, SeekOrigin.End);
        stream.ReadExactly(tail);
        stream.Seek(0, SeekOrigin.Begin);
        if (!head.SequenceEqual(Magic))
            throw new ProductFormatException(path, "not a Parquet file: it does not start with the magic bytes PAR1.");
        if (tail[4..].SequenceEqual("PARE"u8))
            throw new ProductFormatException(path, "an encrypted Parquet file (encrypted footer), which DataBuild cannot read.");
        if (!tail[4..].SequenceEqual(Magic))
            throw new ProductFormatException(path, "it does not end with the magic bytes PAR1: truncated, or still being written?");
        var footer = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (footer > length - 12)
            throw new ProductFormatException(path, $"its footer length ({footer} bytes) is more than the file holds ({length} bytes): truncated or corrupt.");
        var bytes = new byte[footer];
        stream.Seek(-8 - footer, SeekOrigin.End);
        stream.ReadExactly(bytes);
        stream.Seek(0, SeekOrigin.Begin);
        if (FooterCheck.Problem(bytes) is { } problem)
            throw new ProductFormatException(path, $"its footer ({footer} bytes) is corrupt: {problem}.");
    }

    private static T Guard<T>(string path, string doing, Func<Task<T>> action)
    {
        try
        {
            return action().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not ProductFormatException and not OutOfMemoryException and not OperationCanceledException)
        {
            throw new ProductFormatException(path, $"{doing}: {e.Message}", e);
        }
    }

    private static void Guard(string path, string doing, Func<Task> action) =>
        Guard(path, doing, async () => { await action().ConfigureAwait(false); return true; });
}

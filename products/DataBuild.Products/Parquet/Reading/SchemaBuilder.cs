using DataBuild.Products.Parquet.Format;

namespace DataBuild.Products.Parquet.Reading;

/// <summary>
/// Turns the depth-first list of schema elements into leaf columns. Leaves inside groups or
/// repeated fields are kept (so the footer can still be inspected) but marked unsupported.
/// </summary>
internal static class SchemaBuilder
{
    public static ParquetSchema Build(List<SchemaElement> elements, ErrorContext context)
    {
        if (elements.Count == 0)
            throw context.Fail("the schema is empty (no root element)");
        var columns = new List<ParquetColumn>();
        int next = 1;
        int rootChildren = elements[0].NumChildren ?? 0;
        if (rootChildren < 0 || rootChildren > elements.Count)
            throw context.Fail($"the schema root claims {rootChildren} children but only {elements.Count - 1} elements follow");
        for (int i = 0; i < rootChildren; i++)
            Walk(elements, ref next, "", nested: false, columns, context, depth: 0);
        if (next != elements.Count)
            throw context.Fail($"the schema has {elements.Count - next} elements not reachable from the root");
        return new ParquetSchema(columns);
    }

    private static void Walk(List<SchemaElement> elements, ref int next, string prefix, bool nested, List<ParquetColumn> columns, ErrorContext context, int depth)
    {
        if (next >= elements.Count || depth > 64)
            throw context.Fail("the schema's child counts do not match its elements");
        var e = elements[next++];
        string name = prefix + e.Name;
        bool repeated = e.Repetition == ParquetRepetition.Repeated;
        if (e.NumChildren is > 0 and var children)
        {
            for (int i = 0; i < children; i++)
                Walk(elements, ref next, name + ".", nested: true, columns, context, depth + 1);
            return;
        }
        if (string.IsNullOrEmpty(e.Name))
            throw context.Fail($"schema element {next - 1} has no name");
        if (e.Type is not { } physical || !Enum.IsDefined(physical))
            throw context.Fail($"schema element '{name}' has no valid physical type");
        var column = new ParquetColumn(name, TypeOf(e, physical), e.Repetition == ParquetRepetition.Optional)
        {
            PhysicalType = physical,
            TimeUnit = e.Logical == LogicalKind.Timestamp ? e.TimeUnit ?? ParquetTimeUnit.Micros : TimeUnitFromConverted(e.ConvertedType),
            TimestampIsUtc = e.IsAdjustedToUtc ?? true,
            TypeLength = e.TypeLength,
            LogicalType = Describe(e),
            UnsupportedReason = nested || repeated ? "nested or repeated columns (lists, maps, structs)" : null,
        };
        if (physical == ParquetPhysicalType.FixedLenByteArray && e.TypeLength is not > 0)
            throw context.Fail($"FIXED_LEN_BYTE_ARRAY column '{name}' has no positive type_length");
        if (columns.Any(c => c.Name == name))
            throw context.Fail($"the schema has two columns named '{name}'");
        columns.Add(column);
    }

    private static ParquetType TypeOf(SchemaElement e, ParquetPhysicalType physical) => physical switch
    {
        ParquetPhysicalType.Boolean => ParquetType.Boolean,
        ParquetPhysicalType.Int32 when e.Logical == LogicalKind.Date || e.ConvertedType == 6 => ParquetType.Date,
        ParquetPhysicalType.Int32 => ParquetType.Int32,
        ParquetPhysicalType.Int64 when e.Logical == LogicalKind.Timestamp || e.ConvertedType is 9 or 10 => ParquetType.Timestamp,
        ParquetPhysicalType.Int64 => ParquetType.Int64,
        ParquetPhysicalType.Int96 => ParquetType.Int96Timestamp,
        ParquetPhysicalType.Float => ParquetType.Float,
        ParquetPhysicalType.Double => ParquetType.Double,
        ParquetPhysicalType.ByteArray when e.Logical is LogicalKind.String or LogicalKind.Enum or LogicalKind.Json
            || e.ConvertedType is 0 or 4 or 19 => ParquetType.String,
        ParquetPhysicalType.ByteArray => ParquetType.Binary,
        _ => ParquetType.FixedLenByteArray,
    };

    private static ParquetTimeUnit? TimeUnitFromConverted(int? converted) => converted switch
    {
        9 => ParquetTimeUnit.Millis,
        10 => ParquetTimeUnit.Micros,
        _ => null,
    };

    private static string? Describe(SchemaElement e) => e.Logical switch
    {
        LogicalKind.None => e.ConvertedType is { } c ? ConvertedTypeName(c) : null,
        LogicalKind.Timestamp => $"TIMESTAMP({(e.TimeUnit ?? ParquetTimeUnit.Micros).ToString().ToUpperInvariant()}, {(e.IsAdjustedToUtc == false ? "local" : "UTC")})",
        LogicalKind.Decimal => $"DECIMAL({e.Precision}, {e.Scale})",
        var kind => kind.ToString().ToUpperInvariant(),
    };

    // parquet.thrift's ConvertedType, for files (DuckDB's among them) that set only the legacy annotation.
    private static readonly string[] ConvertedTypeNames =
    [
        "UTF8", "MAP", "MAP_KEY_VALUE", "LIST", "ENUM", "DECIMAL", "DATE", "TIME_MILLIS", "TIME_MICROS", "TIMESTAMP_MILLIS",
        "TIMESTAMP_MICROS", "UINT_8", "UINT_16", "UINT_32", "UINT_64", "INT_8", "INT_16", "INT_32", "INT_64", "JSON", "BSON", "INTERVAL",
    ];

    private static string ConvertedTypeName(int converted) =>
        converted >= 0 && converted < ConvertedTypeNames.Length ? ConvertedTypeNames[converted] : $"converted type {converted}";
}

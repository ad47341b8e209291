using System.Diagnostics;
using DataBuild.Products.Parquet;

// Writes and reads ROWS x 4 numeric columns (two doubles, a long, an int), uncompressed and
// snappy, and prints MB/s of decoded column data. run.sh times DuckDB on the same files.
// Usage: dotnet run -c Release -- <output dir> [rows]
string dir = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "databuild-parquet-bench");
int rows = args.Length > 1 ? int.Parse(args[1]) : 10_000_000;
Directory.CreateDirectory(dir);

var random = new Random(42);
var ra = new double[rows];
var dec = new double[rows];
var ids = new long[rows];
var quads = new int[rows];
for (int i = 0; i < rows; i++)
{
    ra[i] = random.NextDouble() * 360;
    dec[i] = random.NextDouble() * 180 - 90;
    ids[i] = random.NextInt64();
    quads[i] = random.Next(0, 64);
}
var schema = new ParquetSchema(
    new ParquetColumn("ra", ParquetType.Double), new ParquetColumn("dec", ParquetType.Double),
    new ParquetColumn("source_id", ParquetType.Int64), new ParquetColumn("quad", ParquetType.Int32));
ParquetColumnData[] columns =
    [new ParquetColumnData<double>(ra), new ParquetColumnData<double>(dec), new ParquetColumnData<long>(ids), new ParquetColumnData<int>(quads)];
double megabytes = rows * (8.0 + 8 + 8 + 4) / 1e6;

foreach (var compression in new[] { ParquetCompression.Uncompressed, ParquetCompression.Snappy })
{
    string path = Path.Combine(dir, $"bench-{compression.ToString().ToLowerInvariant()}.parquet");
    var options = new ParquetWriteOptions { Compression = compression, Dictionary = ParquetDictionaryMode.None };
    ParquetFileWriter.Write(path, schema, columns, options); // warm-up
    var write = Stopwatch.StartNew();
    ParquetFileWriter.Write(path, schema, columns, options);
    write.Stop();

    double best = double.MaxValue, bestDoubles = double.MaxValue;
    double checksum = 0;
    for (int run = 0; run < 3; run++)
    {
        var read = Stopwatch.StartNew();
        using (var file = ParquetFile.Open(path))
            foreach (var group in file.RowGroups())
            {
                checksum += group.ReadColumn<double>(0).Values[0] + group.ReadColumn<double>(1).Values[0];
                checksum += group.ReadColumn<long>(2).Values[0] + group.ReadColumn<int>(3).Values[0];
            }
        best = Math.Min(best, read.Elapsed.TotalSeconds);

        var doubles = Stopwatch.StartNew();
        using (var file = ParquetFile.Open(path))
            foreach (var group in file.RowGroups())
                checksum += group.ReadColumn<double>(0).Values[^1];
        bestDoubles = Math.Min(bestDoubles, doubles.Elapsed.TotalSeconds);
    }
    Console.WriteLine($"{compression,-12} file {new FileInfo(path).Length / 1e6,8:F1} MB  write {megabytes / write.Elapsed.TotalSeconds,7:F0} MB/s ({write.Elapsed.TotalSeconds:F2} s)  " +
        $"read all {megabytes / best,7:F0} MB/s ({best:F3} s)  read one double column {rows * 8.0 / 1e6 / bestDoubles,7:F0} MB/s  [checksum {checksum:E3}]");
}

using DataBuild.Cli;
using DataBuild.Model;
using DataBuild.Products;
using DataBuild.Reporting;

// The program ../build.sh runs: the targets of the Pipelines class (build/Pipelines*.cs), built from the command line,
// and two commands beside them: `report` (an HTML report of a run) and `inspect` (a Parquet file's schema and stats).
return DataBuildHost.Run(args, () => new Pipelines(), Inspect, Report);

partial class Program
{
    /// <summary><c>./build.sh report [--run N | --last] [-o report.html]</c>: the HTML report of a run.</summary>
    static readonly HostCommand Report = new("report", "report [--run N | --last] [-o report.html]",
        "a self-contained HTML report of a run: timeline, memory over time, requested vs used", (line, output) => ReportCommand.Run(line, output));

    /// <summary><c>./build.sh inspect file.parquet [--rows N]</c>: a product's schema, row groups, statistics and metadata.</summary>
    static readonly HostCommand Inspect = new("inspect", "inspect <file.parquet> [--rows N]", "schema, row groups, stats, metadata (and N rows)",
        (line, output) =>
        {
            if (line.Positional.Count != 1) throw new UsageException("Usage: ./build.sh inspect <file.parquet> [--rows N]");
            var path = line.Positional[0];
            if (!File.Exists(path)) throw new UsageException($"No such file: {path}");
            var rows = line.Value("rows") is { } r ? (int.TryParse(r, out var n) && n >= 0 ? n : throw new UsageException($"--rows needs a number, got '{r}'.")) : 0;
            try
            {
                ParquetInspector.Write(path, rows, output);
                return DataBuildHost.Ok;
            }
            catch (ProductFormatException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return DataBuildHost.BuildFailed;
            }
        });
}

using DataBuild.Cli;
using DataBuild.Model;
using DataBuild.Parameters;
using DataBuild.Pipelines;
using DataBuild.Products;
using DataBuild.Reporting;

return DataBuildHost.Run(args, () => new Pipelines(), Inspect, ReportCommand.Instance);

partial class Program
{
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

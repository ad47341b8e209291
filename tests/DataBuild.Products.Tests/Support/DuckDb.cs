using System.Diagnostics;
using System.Text.Json;

namespace DataBuild.Products.Tests.Support;

/// <summary>
/// DuckDB (the npm package @duckdb/node-api, driven by tests/interop/*.mjs) as an outside reference
/// reader and writer. When node or the package is missing the tests fail, saying how to install them.
/// </summary>
public static class DuckDb
{
    private const string InstallHint =
        "Install it with: npm install --prefix tests/interop --no-audit --no-fund (needs node >= 18 on PATH; ./test.sh does it).";

    /// <summary>DuckDB reads a Parquet file; returns column names/types and rows as JSON values.</summary>
    public static DuckDbTable Read(string parquetPath)
    {
        return Parse(Run("read.mjs", parquetPath));
    }

    public static DuckDbTable Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var columns = doc.RootElement.GetProperty("columns").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!)).ToList();
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(v => v.Clone()).ToArray()).ToList();
        return new DuckDbTable(columns, rows);
    }

    /// <summary>Runs a query in which every <c>?</c> stands for the quoted file path.</summary>
    public static DuckDbTable Query(string parquetPath, string sql) => Parse(Run("query.mjs", parquetPath, sql));

    /// <summary>DuckDB writes <c>COPY (select) TO path (FORMAT parquet, options)</c>.</summary>
    public static void Write(string parquetPath, string select, string copyOptions = "") =>
        Run("write.mjs", parquetPath, select, copyOptions);

    private static string Run(string script, params string[] args)
    {
        string modules = Path.Combine(RepositoryPaths.Interop, "node_modules", "@duckdb", "node-api");
        if (!Directory.Exists(modules))
            throw new InvalidOperationException($"The DuckDB interop tests need the npm package @duckdb/node-api in {modules}, which is missing. {InstallHint}");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Interop,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Interop, script));
        foreach (var a in args)
            start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"The DuckDB interop tests need node on PATH: {e.Message}. {InstallHint}", e);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node {script} {string.Join(' ', args)} did not finish in 2 minutes.");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"node {script} {string.Join(' ', args)} exited {process.ExitCode}:\n{stderr.Result}");
            return stdout;
        }
    }
}

public sealed record DuckDbTable(List<(string Name, string Type)> Columns, List<JsonElement[]> Rows);

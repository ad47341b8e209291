using System.Text.RegularExpressions;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>
/// A seeded fuzzer over damaged Parquet inputs: light-curve files of ZTF field 296 truncated, overwritten with garbage,
/// with flipped bytes, a lying footer length, garbage appended, emptied, or replaced by a Parquet file of another schema.
/// Each case rebuilds Features with -k from a copy of a workspace where everything was built, through the real driver,
/// and must end with exit 0 (a harmless change) or 1 with every failure a message naming a damaged file, never a stack
/// trace or a bare exception type, and nothing written outside the workspace.
/// </summary>
public sealed partial class ParquetFuzzTests
{
    private static readonly string[] Kinds = ["truncated", "garbage", "flipped bytes", "footer length", "appended garbage", "empty", "other schema", "zeroed middle"];

    private static byte[] Damage(Random r, string kind, byte[] bytes, byte[] otherSchema)
    {
        switch (kind)
        {
            case "truncated": return bytes[..r.Next(bytes.Length)];
            case "garbage": var g = new byte[r.Next(1, 100_000)]; r.NextBytes(g); if (r.Next(2) == 0) "PAR1"u8.CopyTo(g.AsSpan(0, Math.Min(4, g.Length))); return g;
            case "flipped bytes":
                var f = (byte[])bytes.Clone();
                for (var i = r.Next(1, 17); i > 0; i--) f[r.Next(f.Length)] ^= (byte)r.Next(1, 256);
                return f;
            case "footer length":
                var l = (byte[])bytes.Clone();
                BitConverter.TryWriteBytes(l.AsSpan(l.Length - 8, 4), r.Next(3) switch { 0 => 0, 1 => r.Next(1, 64), _ => r.Next(l.Length - 12, int.MaxValue) });
                return l;
            case "appended garbage": var a = new byte[r.Next(1, 4096)]; r.NextBytes(a); return [.. bytes, .. a];
            case "empty": return [];
            case "other schema": return otherSchema;
            default:
                var z = (byte[])bytes.Clone();
                var from = r.Next(4, z.Length - 8);
                Array.Clear(z, from, Math.Min(r.Next(1, 4096), z.Length - 8 - from));
                return z;
        }
    }

    [Fact]
    public async Task Seeded_damaged_Parquet_inputs_fail_only_their_nodes_with_one_line_naming_the_file_and_nothing_written_outside_the_workspace()
    {
        var cases = FaultSuite.Long ? 120 : 24;
        var random = new Random(FaultSuite.Seed);
        using var root = new TempDirectory();
        var template = Path.Combine(root.Path, "template");
        var wsPath = Path.Combine(root.Path, "a", "b", "c", "ws");
        Directory.CreateDirectory(template);
        var built = await Driver.RunAsync(template, "Features", "--fields", "296");
        Assert.True(built.ExitCode == 0, built.Output + built.Stderr);
        var quads = Directory.GetFiles(Path.Combine(template, "data/ztf/field=296"), "*.parquet").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var otherSchema = File.ReadAllBytes(Path.Combine(template, "out/ztf/field=296/quads.parquet"));
        var problems = new List<string>();
        var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int failedRuns = 0, harmless = 0;

        for (var n = 0; n < cases; n++)
        {
            if (Directory.Exists(Path.Combine(root.Path, "a"))) Directory.Delete(Path.Combine(root.Path, "a"), recursive: true);
            Directory.CreateDirectory(Path.GetDirectoryName(wsPath)!);
            var (copied, copyOutput) = FaultSuite.Run("cp", "-a", template, wsPath);
            Assert.True(copied == 0, copyOutput);
            var damaged = new List<string>();
            var what = new List<string>();
            for (var i = random.Next(1, 4); i > 0; i--)
            {
                var quad = quads[random.Next(quads.Count)];
                var kind = Kinds[random.Next(Kinds.Length)];
                var path = Path.Combine(wsPath, "data/ztf/field=296", quad);
                File.WriteAllBytes(path, Damage(random, kind, File.ReadAllBytes(path), otherSchema));
                damaged.Add(quad);
                what.Add($"{quad} {kind}");
                byKind[kind] = byKind.GetValueOrDefault(kind) + 1;
            }

            using var driver = await Driver.StartAsync(wsPath, new Dictionary<string, string> { ["DATABUILD_SNAPSHOT"] = "0" }, ["Features", "--fields", "296", "-k"]);
            DriverResult run;
            try
            {
                run = await driver.WaitAsync(TimeSpan.FromSeconds(120));
            }
            catch (TimeoutException)
            {
                // A reader that loops or allocates without end on a damaged file is a finding, not a reason to stop fuzzing.
                driver.Kill();
                problems.Add($"hung (killed after 120 s): case {n} ({string.Join(", ", what)}): {Tail(string.Join("\n", driver.Lines))}");
                await driver.WaitAsync();
                continue;
            }
            var all = run.Output + "\n" + run.Stderr;
            var show = $"case {n} ({string.Join(", ", what)}): exit {run.ExitCode}\n{Tail(all)}";
            var failures = FailureLine().Matches(run.Output).Select(m => (Node: m.Groups[1].Value, Message: m.Groups[2].Value)).ToList();
            if (run.ExitCode == 1) failedRuns++;
            else if (run.ExitCode == 0) harmless++;
            if (run.ExitCode is not (0 or 1)) problems.Add($"wrong exit code: {show}");
            else if (all.Contains("   at ", StringComparison.Ordinal) || all.Contains("Unhandled exception", StringComparison.Ordinal)) problems.Add($"stack trace: {show}");
            else if (run.ExitCode == 1 && failures.Count == 0 && !run.Stderr.TrimStart().StartsWith("error: ", StringComparison.Ordinal)) problems.Add($"exit 1 without a failure named: {show}");
            else if (failures.FirstOrDefault(f => !damaged.Any(d => f.Message.Contains(d, StringComparison.Ordinal))) is { Node: not null } unnamed)
                problems.Add($"a failure not naming the damaged file: {unnamed.Node}: {unnamed.Message} in {show}");
            else if (failures.FirstOrDefault(f => ExceptionName().IsMatch(f.Message)) is { Node: not null } bare)
                problems.Add($"a bare exception type, not a message: {bare.Node}: {bare.Message}");
        }

        var outside = Directory.GetFileSystemEntries(Path.Combine(root.Path, "a"), "*", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(wsPath, StringComparison.Ordinal) && !wsPath.StartsWith(p, StringComparison.Ordinal)).ToList();
        FaultSuite.Record("damaged Parquet inputs fuzzer", cases, 0, 0, 0,
            $"{problems.Count} problems, {outside.Count} files outside the workspace; {failedRuns} runs failed their damaged nodes (exit 1), {harmless} damages were harmless (exit 0); seed {FaultSuite.Seed}; " +
            string.Join(", ", byKind.Select(k => $"{k.Value} {k.Key}")));
        Assert.True(problems.Count == 0, $"{problems.Count} of {cases} cases misbehaved:\n" + string.Join("\n\n", problems.Take(20)));
        Assert.Empty(outside);
    }

    private static string Tail(string text) => string.Join("\n", text.Split('\n').Where(l => l.Length > 0).TakeLast(8));

    [GeneratedRegex(@"^\[\d+/\d+\] FAILED (\S+): (.*)$", RegexOptions.Multiline)]
    private static partial Regex FailureLine();

    [GeneratedRegex(@"\b[A-Z]\w*Exception\b")]
    private static partial Regex ExceptionName();
}

using System.Text;
using DataBuild.EndToEnd.Tests.Support;

namespace DataBuild.EndToEnd.Tests.Faults;

/// <summary>
/// A seeded fuzzer over what a user types and feeds: partition selectors, parameter values, --params files (JSON and
/// YAML: deep nesting, huge, wrong types, garbage, NUL), and partition values with ../, newlines and shell
/// metacharacters. Every case runs the real driver (--plan, so nothing is built) and must end with exit 0, 1 or 2 as its
/// kind demands, at most one "error:" line and no stack trace; and nothing may appear outside the workspace.
/// </summary>
public sealed class BadInputFuzzTests
{
    private sealed record Case(string Kind, string[] Args, int[] Exits, string? ParamsFile = null, byte[]? ParamsText = null);

    private static readonly string[] Nasty =
    [
        "../", "../../x", "..", ".", "/etc/passwd", "a\nb", "a\rb", "$(touch pwned)", "`touch pwned`", "a;touch pwned", "a|b", "a&b",
        "a b", "'", "\"", "\\", "*", "?", "[", "]", "=", ",", "{", "}", "%s%n", "\u00e9", "\u202e", "\t", "-", "--", "~", "#", "!",
    ];

    /// <summary>The nasty strings no partition value may hold (a character outside letters, digits and . _ - + : @).</summary>
    private static readonly string[] NeverAValue = Nasty.Where(s => s.Any(c => c > 127 || !(char.IsAsciiLetterOrDigit(c) || ".-_+:@".Contains(c)))).ToArray();

    private static readonly string[] Targets = ["FanoutAll", "FanoutFeatures", "FanoutGroups", "Models", "Quads"];

    private static string Pick(Random r, IReadOnlyList<string> from) => from[r.Next(from.Count)];

    private static string Garble(Random r, string text)
    {
        var sb = new StringBuilder(text);
        for (var i = r.Next(1, 4); i > 0; i--)
        {
            var at = r.Next(sb.Length + 1);
            switch (r.Next(3))
            {
                case 0: sb.Insert(at, Pick(r, Nasty)); break;
                case 1: if (sb.Length > 0) sb.Remove(Math.Min(at, sb.Length - 1), 1); break;
                default: sb.Insert(at, (char)r.Next(33, 127)); break;
            }
        }
        return sb.ToString();
    }

    private static Case Make(Random r, int n)
    {
        string[] quads = ["--fanout-quads", "3"];
        switch (n % 6)
        {
            case 0: // a selector: a garbled target, or a target with garbled partition filters
                var target = Pick(r, Targets);
                var selector = r.Next(2) == 0 ? Garble(r, target) : $"{target}[{Garble(r, "quad=1")}]";
                return new Case("selector", [selector, .. quads, "--plan"], [0, 2]);
            case 1: // a value for an int, double or list parameter that is not one
                var (option, good) = Pick(r, ["--fanout-quads", "--fanout-task-seconds", "--fields", "--runs-limit", "--gbs-rounds"]) switch
                {
                    var o => (o, o == "--fanout-task-seconds" ? "0.5" : "3"),
                };
                var value = r.Next(4) == 0 ? Pick(r, ["", "1e400", "99999999999999999999", "-1", "NaN", "0x10", "1,5", "Infinity"]) : Garble(r, good);
                return new Case("parameter value", ["FanoutAll", .. (option == "--fanout-quads" ? [] : quads), option, value, "--plan"], [0, 1, 2]);
            case 2: // a partition value made of a parameter (--tags become Models' partitions and paths)
                var tag = Garble(r, "periodic") + Pick(r, NeverAValue);
                return new Case("partition value", ["Models", "--tags", tag, "--fields", "296", "--plan"], [2]);
            case 3: // an option that does not exist, or a flag given a value
                var name = r.Next(2) == 0 ? "--" + Garble(r, "fanout-quads") : "--" + Garble(r, "keep-going") + "=" + Pick(r, Nasty);
                return new Case("option", ["FanoutAll", .. quads, name, "--plan"], [0, 2]);
            case 4: // a --params file of the wrong shape
                var json = r.Next(2) == 0;
                return new Case("params file", ["FanoutAll", "--params", json ? "p.json" : "p.yaml", "--plan"], [0, 2], json ? "p.json" : "p.yaml", ParamsFile(r, json));
            default: // a --params file with a nasty value for a list that becomes partitions
                var tags = string.Join(", ", Enumerable.Range(0, r.Next(1, 4)).Select(_ => Quote(Garble(r, "vnv") + Pick(r, NeverAValue))));
                return new Case("params partition value", ["Models", "--fields", "296", "--params", "p.json", "--plan"], [2], "p.json",
                    Encoding.UTF8.GetBytes($"{{\"tags\": [{tags}]}}"));
        }
    }

    private static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s) sb.Append(c switch { '"' => "\\\"", '\\' => "\\\\", < ' ' => $"\\u{(int)c:x4}", _ => c.ToString() });
        return sb.Append('"').ToString();
    }

    private static byte[] ParamsFile(Random r, bool json)
    {
        var depth = r.Next(2) == 0 ? 100_000 : r.Next(10, 200);
        string text = r.Next(9) switch
        {
            0 => json ? new string('[', depth) + new string(']', depth) : string.Concat(Enumerable.Range(0, depth).Select(i => new string(' ', i % 50) + "- \n")),
            1 => json ? "{\"fanout-quads\": \"abc\"}" : "fanout-quads: abc\n",
            2 => json ? "{\"fanout-quads\": {\"a\": [1, {\"b\": 2}]}}" : "fanout-quads:\n  a: [1, {b: 2}]\n",
            3 => json ? "{\"fanout-quads\": 3, \"fanout-quads\": 4}" : "fanout-quads: 3\nfanout-quads: 4\n",
            4 => json ? "{\"fanout-quads\": [[1], [2]]}" : "fanout-quads:\n  - [1]\n  - {a: 1}\n",
            5 => json ? "[1, 2, 3]" : "- 1\n- 2\n",
            6 => json ? "{\"x\": \"" + new string('a', 5_000_000) + "\"}" : "x: " + new string('a', 5_000_000) + "\n",
            7 => json ? "{\"fanout-side-log\": \"a\u0000b\", \"fanout-quads\": 3}" : "? [a, b]\n: c\n",
            _ => json ? "{\"fanout-quads\": 3" : "a: &a [x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\nfanout-quads: *b\n",
        };
        var bytes = Encoding.UTF8.GetBytes(text);
        if (r.Next(8) == 0) bytes = bytes.Take(r.Next(bytes.Length + 1)).Concat(Enumerable.Range(0, 64).Select(_ => (byte)r.Next(256))).ToArray();
        return bytes;
    }

    [Fact]
    public async Task Hundreds_of_seeded_bad_inputs_each_end_with_the_right_exit_code_one_error_line_no_stack_trace_and_nothing_written_outside_the_workspace()
    {
        var cases = FaultSuite.Long ? 1000 : 200;
        var random = new Random(FaultSuite.Seed);
        using var root = new TempDirectory();
        var wsPath = Path.Combine(root.Path, "a", "b", "c", "ws");
        Directory.CreateDirectory(Path.Combine(wsPath, "raw"));
        for (var q = 0; q < 3; q++) File.WriteAllText(Path.Combine(wsPath, "raw", $"q{q}"), $"quad {q}\n");
        var problems = new List<string>();
        var byKind = new SortedDictionary<string, int>(StringComparer.Ordinal);

        for (var n = 0; n < cases; n++)
        {
            var c = Make(random, n);
            byKind[c.Kind] = byKind.GetValueOrDefault(c.Kind) + 1;
            if (c.ParamsFile is { } file) File.WriteAllBytes(Path.Combine(wsPath, file), c.ParamsText!);
            var run = await Driver.RunAsync(wsPath, new Dictionary<string, string> { ["DATABUILD_SNAPSHOT"] = "0" }, c.Args);
            var stderr = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var what = $"case {n} ({c.Kind}) {Show(c.Args)}: exit {run.ExitCode}, stderr: {run.Stderr.Trim()}";
            if (!c.Exits.Contains(run.ExitCode)) problems.Add($"wrong exit code: {what}");
            else if (run.Stderr.Contains("   at ", StringComparison.Ordinal) || run.Stderr.Contains("Unhandled exception", StringComparison.Ordinal))
                problems.Add($"stack trace: {what}");
            else if (run.ExitCode == 2 && (stderr.Length != 1 || !stderr[0].StartsWith("error: ", StringComparison.Ordinal)))
                problems.Add($"not one error line: {what}");
            else if (stderr.Any(l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("Exception: ", StringComparison.Ordinal)))
                problems.Add($"an unexpected exception, not a message: {what}");
            if (c.ParamsFile is { } written) File.Delete(Path.Combine(wsPath, written));
        }

        var outside = Directory.GetFileSystemEntries(root.Path, "*", SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(wsPath, StringComparison.Ordinal) && !wsPath.StartsWith(p, StringComparison.Ordinal)).ToList();
        FaultSuite.Record("bad input fuzzer", cases, 0, 0, 0,
            $"{problems.Count} problems, {outside.Count} files outside the workspace; seed {FaultSuite.Seed}; " + string.Join(", ", byKind.Select(k => $"{k.Value} {k.Key}")));
        Assert.True(problems.Count == 0, $"{problems.Count} of {cases} cases misbehaved:\n" + string.Join("\n", problems.Take(40)));
        Assert.Empty(outside);
    }

    private static string Show(string[] args) => string.Join(' ', args.Select(a => a.Length > 60 ? a[..60] + "..." : a)).ReplaceLineEndings("\\n");
}

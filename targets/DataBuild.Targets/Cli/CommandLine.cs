using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Cli;

/// <summary>
/// The parsed command line: a command word (or none, meaning build), positional arguments (targets), and options
/// by name with their values. Options take values up to the next option; known flags take none.
/// </summary>
public sealed class CommandLine
{
    public static readonly HashSet<string> Commands = ["why", "status", "graph", "help", "worker", "inspect", "report"];

    /// <summary>Engine options that take no value.</summary>
    public static readonly HashSet<string> Flags = ["plan", "keep-going", "verbose", "help", "nodes", "no-progress", "version", "last", "wait-for-lock", "watch", "detach", "retry-cancelled"];

    /// <summary>Engine options that take exactly one value.</summary>
    public static readonly HashSet<string> SingleValued = ["jobs", "gpus", "executor", "params", "format", "rows", "state-dir",
        "pack", "pack-parallel", "poll-interval", "partition", "account", "qos", "sbatch-args", "array-throttle", "manifest", "index", "profile", "run", "output", "notify",
        "driver-partition", "driver-walltime", "driver-links", "driver-link"];

    /// <summary>Engine options that take one or more values, up to the next option; given again, they add more.</summary>
    public static readonly HashSet<string> MultiValued = ["set"];

    private static readonly Dictionary<string, string> ShortNames = new() { ["j"] = "jobs", ["k"] = "keep-going", ["h"] = "help", ["v"] = "verbose", ["o"] = "output" };

    public string? Command { get; private init; }

    /// <summary>The arguments as given (what an up-to-date snapshot is filed under).</summary>
    public IReadOnlyList<string> Arguments { get; private init; } = [];
    public List<string> Positional { get; } = [];
    public Dictionary<string, List<string>> Options { get; } = new(StringComparer.Ordinal);

    public bool Has(string option) => Options.ContainsKey(option);

    public string? Value(string option) => Options.TryGetValue(option, out var v) && v.Count > 0 ? v[^1] : null;

    /// <summary>
    /// Parses <paramref name="args"/>: <paramref name="booleanParameters"/> take no value; an option without a value
    /// is an error here when it is an engine option or one of <paramref name="valuedParameters"/> (when given, any
    /// other option is left for the caller to report as unknown).
    /// </summary>
    public static CommandLine Parse(IReadOnlyList<string> args, ISet<string> booleanParameters, ISet<string>? valuedParameters = null)
    {
        var i = 0;
        // A copy by hand, not [.. args]: spreading a list calls LINQ's ToArray, whose first use costs every command type loads.
        var arguments = new string[args.Count];
        for (var k = 0; k < arguments.Length; k++) arguments[k] = args[k];
        var line = new CommandLine { Command = args.Count > 0 && Commands.Contains(args[0]) ? args[i++] : null, Arguments = arguments };
        while (i < args.Count)
        {
            var token = args[i++];
            if (token == "--")
            {
                while (i < args.Count) line.Positional.Add(args[i++]);
                break;
            }
            if (!IsOption(token))
            {
                line.Positional.Add(token);
                continue;
            }
            string name;
            string? inline = null;
            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                name = token[2..];
                var eq = name.IndexOf('=');
                if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            }
            else
            {
                var letter = token[1..2];
                if (!ShortNames.TryGetValue(letter, out name!)) throw new UsageException($"Unknown option '{token}'. Run ./build.sh --help for the options.");
                if (token.Length > 2) inline = token[2..]; // -j4
            }
            if (!line.Options.TryGetValue(name, out var values)) line.Options[name] = values = [];
            if (inline is not null) { values.Add(inline); continue; }
            if (Flags.Contains(name)) continue;
            if (booleanParameters.Contains(name))
            {
                if (i < args.Count && args[i] is "true" or "false") values.Add(args[i++]);
                continue;
            }
            var max = SingleValued.Contains(name) ? 1 : int.MaxValue;
            while (i < args.Count && !IsOption(args[i]) && values.Count < max) values.Add(args[i++]);
            // An engine option says here that it needs a value; a parameter's is checked when it is bound, and an
            // unknown option is reported as unknown, with the names it is close to.
            if (values.Count == 0 && (SingleValued.Contains(name) || MultiValued.Contains(name) || valuedParameters?.Contains(name) != false))
                throw new UsageException($"Option --{name} needs a value.");
        }
        return line;
    }

    // "-5" is a value (a negative number), not an option.
    private static bool IsOption(string token) => token.Length > 1 && token[0] == '-' && !char.IsAsciiDigit(token[1]);
}

using System.Text.RegularExpressions;
using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.UpToDate;

/// <summary>
/// Paths whose witnesses changed (or cannot be trusted), and which nodes rest on them: a node rests on a path that is
/// one of its input files, its outputs or its glob patterns, on a path inside one of those (a directory's files and
/// listing), and on a path one of its globs now matches. A changed path no node rests on (a tool, the state, a
/// directory pipeline code listed) leaves the answer to a full check.
/// </summary>
public sealed class ChangedPaths
{
    private readonly HashSet<string> _paths;
    private readonly HashSet<string> _attributed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _byPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Regex> _globs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Shortcut?> _shortcuts = new(StringComparer.Ordinal);

    public ChangedPaths(IEnumerable<string> paths)
    {
        _paths = new HashSet<string>(paths, StringComparer.Ordinal);
        foreach (var path in _paths)
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                var parent = path[..slash];
                if (!_byPrefix.TryGetValue(parent, out var inside)) _byPrefix[parent] = inside = [];
                inside.Add(path);
            }
    }

    public int Count => _paths.Count;

    /// <summary>Whether the node of <paramref name="target"/> at <paramref name="partition"/> rests on a changed path (and marks each such path attributed).</summary>
    public bool Touches(TargetSpec target, PartitionKey partition)
    {
        var touched = false;
        // Indexed, not foreach: an enumerator per call is an allocation per node of a large target.
        var (inputs, outputs) = (target.Inputs, target.Outputs);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (input.Kind is not (InputKind.File or InputKind.Glob)) continue;
            if (input.Kind == InputKind.File && Misses(input.Template!, partition)) continue;
            var path = PathTemplate.Expand(input.Template!, partition, target.Name);
            touched |= Covers(path);
            if (input.Kind == InputKind.Glob) touched |= Matches(path);
        }
        for (var i = 0; i < outputs.Count; i++)
            if (!Misses(outputs[i].Template, partition)) touched |= Covers(PathTemplate.Expand(outputs[i].Template, partition, target.Name));
        return touched;
    }

    /// <summary>
    /// Whether a template's path at this partition is certainly neither a changed path nor a directory above one,
    /// told from the partition's value without expanding the path (every node of a large target is asked).
    /// </summary>
    private bool Misses(string template, PartitionKey partition)
    {
        if (!_shortcuts.TryGetValue(template, out var shortcut)) _shortcuts[template] = shortcut = Shortcut.Of(template, _paths.Concat(_byPrefix.Keys));
        if (shortcut is null || !partition.TryGet(shortcut.Dimension, out var value)) return false;
        // A path ending in '/' is compared without it (Covers): such values are left to the expansion.
        if (value.Length == 0 || (shortcut.EndsWithValue && value[^1] == '/')) return false;
        return !shortcut.Values.Contains(value);
    }

    /// <summary>
    /// A template "prefix{dimension}suffix": the values of its dimension whose path is a changed path or a directory
    /// above one. Null for any other template (no placeholder, several, a suffix ending in '/').
    /// </summary>
    private sealed record Shortcut(string Dimension, HashSet<string> Values, bool EndsWithValue)
    {
        public static Shortcut? Of(string template, IEnumerable<string> changedAndAbove)
        {
            var open = template.IndexOf('{');
            var close = open < 0 ? -1 : template.IndexOf('}', open);
            if (close < 0 || template.IndexOf('{', close) >= 0) return null;
            var (prefix, suffix) = (template[..open], template[(close + 1)..]);
            if (suffix.EndsWith('/')) return null;
            var values = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in changedAndAbove)
                if (path.Length >= prefix.Length + suffix.Length && path.StartsWith(prefix, StringComparison.Ordinal) && path.EndsWith(suffix, StringComparison.Ordinal))
                    values.Add(path[prefix.Length..^suffix.Length]);
            return new Shortcut(template[(open + 1)..close], values, suffix.Length == 0);
        }
    }

    /// <summary>The changed paths no node has claimed so far.</summary>
    public IEnumerable<string> Unattributed => _paths.Where(p => !_attributed.Contains(p));

    private bool Covers(string path)
    {
        var touched = false;
        if (_paths.Contains(path))
        {
            _attributed.Add(path);
            touched = true;
        }
        if (_byPrefix.TryGetValue(path.TrimEnd('/'), out var inside))
        {
            _attributed.UnionWith(inside);
            touched = true;
        }
        return touched;
    }

    private bool Matches(string pattern)
    {
        if (!_globs.TryGetValue(pattern, out var regex)) _globs[pattern] = regex = GlobPattern.ToRegex(pattern);
        var touched = false;
        foreach (var path in _paths)
            if (regex.IsMatch(path))
            {
                _attributed.Add(path);
                touched = true;
            }
        return touched;
    }
}

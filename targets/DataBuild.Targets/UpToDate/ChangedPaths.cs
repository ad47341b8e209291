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
        foreach (var input in target.Inputs)
        {
            if (input.Kind is not (InputKind.File or InputKind.Glob)) continue;
            var path = PathTemplate.Expand(input.Template!, partition, target.Name);
            touched |= Covers(path);
            if (input.Kind == InputKind.Glob) touched |= Matches(path);
        }
        foreach (var output in target.Outputs)
            touched |= Covers(PathTemplate.Expand(output.Template, partition, target.Name));
        return touched;
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

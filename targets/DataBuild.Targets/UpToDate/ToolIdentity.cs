using System.Collections.Concurrent;
using DataBuild.Execution;
using DataBuild.Hashing;
using DataBuild.IO;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>
/// What an external tool is, computed once per build: the output of its version command, or the content hash of
/// the executable found on PATH. A different answer rebuilds what the tool made (ToolChanged).
/// </summary>
public sealed class ToolIdentity(IProcessRunner processes, FileHasher hasher, string workingDirectory)
{
    private readonly ConcurrentDictionary<string, Lazy<(Hash128 Hash, string Display)>> _cache = new();

    public (Hash128 Hash, string Display) Of(string executable, IReadOnlyList<string> versionArgs) =>
        _cache.GetOrAdd(executable + "\0" + string.Join("\0", versionArgs),
            _ => new Lazy<(Hash128, string)>(() => Compute(executable, versionArgs))).Value;

    private (Hash128, string) Compute(string executable, IReadOnlyList<string> versionArgs)
    {
        if (versionArgs.Count > 0)
        {
            var output = processes.Capture([executable, .. versionArgs], workingDirectory);
            var firstLine = output.Split('\n')[0].Trim();
            return (Hash128.Of(output), firstLine.Length > 60 ? firstLine[..60] : firstLine);
        }
        var path = Resolve(executable) ?? throw new MissingInputException($"Tool '{executable}' not found on PATH.");
        var hash = hasher.Hash(path) ?? throw new MissingInputException($"Tool '{executable}' not found at {path}.");
        return (hash, hash.Short);
    }

    private string? Resolve(string executable)
    {
        if (executable.Contains('/')) return Path.GetFullPath(executable, workingDirectory);
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, executable);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

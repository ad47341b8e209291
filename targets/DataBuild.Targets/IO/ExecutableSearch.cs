using System.Collections.Concurrent;

namespace DataBuild.IO;

/// <summary>
/// Finds the file an argv's program names the way execvp in the child would: a name with a '/' is a path (relative to
/// the task's working directory), any other name is the first executable file in a PATH directory (relative ones and
/// the empty entry taken from the working directory). Each (PATH, working directory, name) is looked up once:
/// posix_spawnp searched PATH in every child, paying a failed execve per directory before the right one.
/// </summary>
internal sealed class ExecutableSearch(Func<string, bool> isExecutableFile, Func<string, bool> exists)
{
    /// <summary>glibc's search path when PATH is unset (confstr _CS_PATH).</summary>
    public const string DefaultPath = "/bin:/usr/bin";

    // Keyed by "PATH\0directory\0name": a tuple key would be compiled at run time by every process (R2R has no
    // ConcurrentDictionary over a value type of ours), and every build makes one of these.
    private readonly ConcurrentDictionary<string, string> _found = new(StringComparer.Ordinal);

    /// <summary>The path to execute for <paramref name="name"/> with <paramref name="searchPath"/> as PATH (null: unset).</summary>
    /// <exception cref="ProcessStartException">Nothing executable by that name: the message names it and how to fix it.</exception>
    public string Resolve(string name, string? searchPath, string workingDirectory)
    {
        if (name.Length == 0) throw new ProcessStartException("The command's program (argv[0]) is empty; give a program name or path.");
        if (name.Contains('/')) return name;
        searchPath ??= DefaultPath;
        var key = Key(searchPath, workingDirectory, name);
        return _found.TryGetValue(key, out var path) ? path : _found[key] = Search(name, searchPath, workingDirectory);
    }

    /// <summary>Drops a remembered lookup, e.g. when the program found was removed since.</summary>
    public void Forget(string name, string? searchPath, string workingDirectory) => _found.TryRemove(Key(searchPath ?? DefaultPath, workingDirectory, name), out _);

    private static string Key(string searchPath, string workingDirectory, string name) => $"{searchPath}\0{workingDirectory}\0{name}";

    private string Search(string name, string searchPath, string workingDirectory)
    {
        string? notExecutable = null;
        foreach (var directory in searchPath.Split(':'))
        {
            // An empty PATH entry means the current directory, as for execvp.
            var candidate = Path.Combine(workingDirectory, directory, name);
            if (isExecutableFile(candidate)) return candidate;
            if (notExecutable is null && exists(candidate)) notExecutable = candidate;
        }
        throw new ProcessStartException(notExecutable is not null
            ? $"Program '{name}' found at {notExecutable} is not an executable file. Make it executable (chmod +x {notExecutable}) or put the right one earlier on PATH."
            : $"Program '{name}' not found on PATH ({searchPath}). Install it or add its directory to PATH, or give its path in argv (absolute, or relative to the workspace like ./tools/{name}).");
    }
}

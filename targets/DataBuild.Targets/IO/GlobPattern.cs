using System.Text;
using System.Text.RegularExpressions;

namespace DataBuild.IO;

/// <summary>Glob patterns over '/'-separated relative paths: '*' and '?' stay within a segment, '**' spans segments.</summary>
public static class GlobPattern
{
    public static bool IsGlob(string pattern) => pattern.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>The directory part before the first wildcard: the only place enumeration has to start.</summary>
    public static string LiteralRoot(string pattern)
    {
        var firstWild = pattern.IndexOfAny(['*', '?', '[']);
        if (firstWild < 0) return Path.GetDirectoryName(pattern) ?? "";
        var slash = pattern.LastIndexOf('/', firstWild);
        return slash < 0 ? "" : pattern[..slash];
    }

    public static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches zero or more whole directories; a trailing "**" matches anything.
                if (i + 2 < pattern.Length && pattern[i + 2] == '/') { sb.Append("(?:.*/)?"); i += 2; }
                else { sb.Append(".*"); i += 1; }
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}

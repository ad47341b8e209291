using System.Text;

namespace DataBuild.Slurm;

/// <summary>POSIX shell quoting, so an argv survives a trip through a bash script byte for byte.</summary>
public static class ShellQuoting
{
    /// <summary>
    /// Quotes one word. Plain words stay readable; anything else goes in single quotes, inside which bash
    /// interprets nothing ($, `, \, !, globs, newlines); a single quote itself becomes '\''.
    /// </summary>
    public static string Quote(string word)
    {
        if (word.Length > 0 && word.All(IsPlain))
            return word;
        var sb = new StringBuilder(word.Length + 2).Append('\'');
        foreach (var c in word)
            sb.Append(c == '\'' ? "'\\''" : c.ToString());
        return sb.Append('\'').ToString();
    }

    /// <summary>Quotes each word and joins them with spaces.</summary>
    public static string Join(IEnumerable<string> argv) => string.Join(' ', argv.Select(Quote));

    private static bool IsPlain(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ',' or ':' or '=' or '+' or '@';
}

namespace DataBuild.Testing;

/// <summary>Reads long sbatch options ("--mem=2G", "--array 0-9") from #SBATCH lines and argv, for the fake cluster.</summary>
internal static class SbatchOptionReader
{
    public static Dictionary<string, string> Read(string? scriptText, IReadOnlyList<string> argv)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var words = new List<string>();
        foreach (var line in (scriptText ?? "").Split('\n'))
        {
            if (line.StartsWith("#SBATCH ", StringComparison.Ordinal))
                words.Add(line["#SBATCH ".Length..].Trim().Replace("\"", "", StringComparison.Ordinal));
        }
        // Command-line options override #SBATCH lines, as in sbatch.
        words.AddRange(argv);
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            if (!w.StartsWith("--", StringComparison.Ordinal))
                continue;
            var eq = w.IndexOf('=');
            if (eq > 0)
                options[w[2..eq]] = w[(eq + 1)..];
            else if (i + 1 < words.Count && !words[i + 1].StartsWith('-'))
                options[w[2..]] = words[++i];
            else
                options[w[2..]] = "";
        }
        return options;
    }
}

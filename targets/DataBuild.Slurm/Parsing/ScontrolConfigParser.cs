namespace DataBuild.Slurm;

/// <summary>Reads `scontrol show config`: "Key = Value" lines, with headers and blank lines between sections.</summary>
public static class ScontrolConfigParser
{
    public static SlurmConfig Parse(string output)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in output.Split('\n'))
        {
            var eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq <= 0)
                continue; // "Configuration data as of ...", "Cgroup Support Configuration:", blank lines
            var key = line[..eq].Trim();
            if (key.Length == 0 || key.Contains(' '))
                continue;
            values.TryAdd(key, line[(eq + 3)..].Trim());
        }
        return new SlurmConfig(values);
    }
}

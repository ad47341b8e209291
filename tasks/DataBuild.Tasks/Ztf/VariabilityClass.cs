namespace DataBuild.Tasks.Ztf;

/// <summary>The true class of a synthetic source; classifier tags are yes/no questions about it.</summary>
public enum VariabilityClass { Constant, Periodic, Irregular }

/// <summary>The classifier tags and how each maps a true class to a 0/1 label (SCoPe trains one binary classifier per tag).</summary>
public static class ZtfTags
{
    /// <summary>Variable (periodic or irregular) vs non-variable.</summary>
    public const string VariableNonVariable = "vnv";
    public const string Periodic = "periodic";

    /// <summary>All tags, in the order outputs list them.</summary>
    public static IReadOnlyList<string> All { get; } = [Periodic, VariableNonVariable];

    public static int Label(string tag, VariabilityClass truth) => tag switch
    {
        VariableNonVariable => truth == VariabilityClass.Constant ? 0 : 1,
        Periodic => truth == VariabilityClass.Periodic ? 1 : 0,
        _ => throw new ArgumentException($"Unknown tag '{tag}'. Available tags are: {string.Join(", ", All)}."),
    };
}

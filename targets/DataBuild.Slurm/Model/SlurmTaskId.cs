using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>
/// One array task ("123_4") or one plain job ("123", Index null). Slurm gives every started array
/// task its own job id too; this is the name that stays stable from submit to accounting.
/// </summary>
public readonly record struct SlurmTaskId(long JobId, int? Index)
{
    public override string ToString() =>
        Index is { } i ? $"{JobId.ToString(CultureInfo.InvariantCulture)}_{i.ToString(CultureInfo.InvariantCulture)}"
                       : JobId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses "123", "123_4", "123_4.batch" (the step is dropped) and the compressed pending form
    /// "123_[4-10%2]" or "123_[1,3,5-7]", which stands for several tasks.
    /// </summary>
    public static IReadOnlyList<SlurmTaskId> ParseMany(string text)
    {
        var id = StripStep(text.Trim());
        var underscore = id.IndexOf('_');
        if (underscore < 0)
            return [new SlurmTaskId(ParseJob(id, text), null)];
        var job = ParseJob(id[..underscore], text);
        var indices = id[(underscore + 1)..].Trim('[', ']');
        return ArrayIndexSet.Parse(indices).Indices.Select(i => new SlurmTaskId(job, i)).ToArray();
    }

    /// <summary>Parses a single task id; a compressed range is an error here.</summary>
    public static SlurmTaskId Parse(string text)
    {
        var all = ParseMany(text);
        return all.Count == 1 ? all[0]
            : throw new FormatException($"'{text}' names {all.Count} array tasks, not one.");
    }

    /// <summary>The step part of "123_4.batch" or "123.extern" ("batch", "extern", "0"), or null.</summary>
    public static string? StepOf(string text)
    {
        var trimmed = text.Trim();
        var bracketEnd = trimmed.LastIndexOf(']');
        var dot = trimmed.IndexOf('.', bracketEnd + 1);
        return dot < 0 ? null : trimmed[(dot + 1)..];
    }

    private static string StripStep(string text)
    {
        var bracketEnd = text.LastIndexOf(']');
        var dot = text.IndexOf('.', bracketEnd + 1);
        return dot < 0 ? text : text[..dot];
    }

    private static long ParseJob(string text, string whole) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var job)
            ? job
            : throw new FormatException($"'{whole}' is not a Slurm job id (expected 123, 123_4 or 123_[4-10]).");
}

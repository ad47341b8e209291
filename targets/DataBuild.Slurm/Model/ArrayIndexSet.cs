using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>
/// The index part of an array spec: "0-9", "1,3,5-7", "0-99:2", with an optional "%N" throttle.
/// Used both to render --array and to read back squeue/sacct's compressed pending records.
/// </summary>
public sealed record ArrayIndexSet(IReadOnlyList<int> Indices, int? Throttle)
{
    public static ArrayIndexSet Parse(string text)
    {
        var spec = text.Trim().Trim('[', ']');
        int? throttle = null;
        var percent = spec.IndexOf('%');
        if (percent >= 0)
        {
            throttle = ParseInt(spec[(percent + 1)..], text);
            spec = spec[..percent];
        }
        var indices = new List<int>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var step = 1;
            var range = part;
            var colon = part.IndexOf(':');
            if (colon >= 0)
            {
                step = ParseInt(part[(colon + 1)..], text);
                range = part[..colon];
            }
            var dash = range.IndexOf('-');
            var first = ParseInt(dash < 0 ? range : range[..dash], text);
            var last = dash < 0 ? first : ParseInt(range[(dash + 1)..], text);
            if (last < first || step < 1)
                throw new FormatException($"Array range '{part}' in '{text}' is empty or has a bad step.");
            for (var i = first; i <= last; i += step)
                indices.Add(i);
        }
        return new ArrayIndexSet(indices, throttle);
    }

    /// <summary>The --array value for a contiguous range, e.g. "0-49%4".</summary>
    public static string Render(int first, int last, int? throttle)
    {
        var range = first == last ? first.ToString(CultureInfo.InvariantCulture)
            : $"{first.ToString(CultureInfo.InvariantCulture)}-{last.ToString(CultureInfo.InvariantCulture)}";
        return throttle is { } t ? $"{range}%{t.ToString(CultureInfo.InvariantCulture)}" : range;
    }

    private static int ParseInt(string text, string whole) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"'{whole}' is not a Slurm array spec (expected e.g. 0-9, 1,3,5-7 or 0-9%2).");
}

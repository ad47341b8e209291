using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>Slurm's time text: "D-HH:MM:SS", "HH:MM:SS", "MM:SS", "MM:SS.mmm" (sacct's CPU times), minutes.</summary>
public static class SlurmDuration
{
    /// <summary>
    /// Parses elapsed times and limits. Returns null for "UNLIMITED", "INVALID", "Partition_Limit",
    /// "N/A" or empty text: the value is not a finite duration.
    /// </summary>
    public static TimeSpan? Parse(string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || !char.IsAsciiDigit(t[0]))
            return null;
        var days = 0;
        var dash = t.IndexOf('-');
        if (dash >= 0)
        {
            days = ParseInt(t[..dash], text);
            t = t[(dash + 1)..];
        }
        var parts = t.Split(':');
        double seconds;
        int minutes = 0, hours = 0;
        // With a day part the fields count from hours ("1-2" is a day and two hours);
        // without, from minutes ("5" is five minutes, "5:30" is five minutes thirty).
        if (dash >= 0)
        {
            hours = ParseInt(parts[0], text);
            minutes = parts.Length > 1 ? ParseInt(parts[1], text) : 0;
            seconds = parts.Length > 2 ? ParseSeconds(parts[2], text) : 0;
        }
        else if (parts.Length == 1)
        {
            minutes = ParseInt(parts[0], text);
            seconds = 0;
        }
        else if (parts.Length == 2)
        {
            minutes = ParseInt(parts[0], text);
            seconds = ParseSeconds(parts[1], text);
        }
        else
        {
            hours = ParseInt(parts[0], text);
            minutes = ParseInt(parts[1], text);
            seconds = ParseSeconds(parts[2], text);
        }
        return TimeSpan.FromDays(days) + TimeSpan.FromHours(hours) + TimeSpan.FromMinutes(minutes)
            + TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Renders a --time value, "D-HH:MM:SS", rounding up to whole seconds (never under-asks).</summary>
    public static string Format(TimeSpan duration)
    {
        var total = (long)Math.Ceiling(duration.TotalSeconds);
        if (total < 1)
            total = 1;
        var days = total / 86400;
        var rest = total % 86400;
        return string.Create(CultureInfo.InvariantCulture,
            $"{days}-{rest / 3600:00}:{rest % 3600 / 60:00}:{rest % 60:00}");
    }

    private static int ParseInt(string text, string whole) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
            ? v : throw new FormatException($"'{whole}' is not a Slurm duration (expected D-HH:MM:SS, HH:MM:SS or MM:SS).");

    private static double ParseSeconds(string text, string whole) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)
            ? v : throw new FormatException($"'{whole}' is not a Slurm duration (expected D-HH:MM:SS, HH:MM:SS or MM:SS.mmm).");
}

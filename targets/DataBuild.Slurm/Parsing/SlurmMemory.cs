using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>Slurm's memory text ("371232K", "200M", "1.5G", "4000Mn") to and from bytes. Units are powers of 1024.</summary>
public static class SlurmMemory
{
    public const long MiB = 1024L * 1024;

    /// <summary>
    /// Parses a size; a bare number is in <paramref name="bareUnit"/> (sacct prints bytes for tiny MaxRSS,
    /// --mem takes megabytes). Returns null for empty text. ReqMem's old per-node/per-cpu suffix ("n", "c") is ignored.
    /// </summary>
    public static long? ParseBytes(string text, char bareUnit = 'B')
    {
        var t = text.Trim();
        if (t.Length > 1 && (t[^1] is 'n' or 'c') && char.IsLetter(t[^2]))
            t = t[..^1];
        // Slurm prints an unset value (NO_VAL64, about 16 EiB) with the unit past 'P' as "?": seen as ReqMem
        // "16?" on sacct records that slurmctld had not completed yet. Unknown, not an error.
        if (t.Length == 0 || t.EndsWith('?'))
            return null;
        var unit = char.IsLetter(t[^1]) ? char.ToUpperInvariant(t[^1]) : bareUnit;
        var number = char.IsLetter(t[^1]) ? t[..^1] : t;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            throw new FormatException($"'{text}' is not a Slurm memory size (expected e.g. 371232K, 200M or 1.5G).");
        var multiplier = unit switch
        {
            'B' => 1L,
            'K' => 1024L,
            'M' => MiB,
            'G' => MiB * 1024,
            'T' => MiB * 1024 * 1024,
            'P' => MiB * 1024 * 1024 * 1024,
            _ => throw new FormatException($"'{text}' has an unknown memory unit '{unit}' (expected K, M, G, T or P)."),
        };
        return (long)Math.Round(value * multiplier);
    }

    /// <summary>Renders a --mem value in whole mebibytes, rounding up (never under-asks): "1536M", or "2G" when exact.</summary>
    public static string Format(long bytes)
    {
        var mib = Math.Max(1, (bytes + MiB - 1) / MiB);
        return mib % 1024 == 0
            ? (mib / 1024).ToString(CultureInfo.InvariantCulture) + "G"
            : mib.ToString(CultureInfo.InvariantCulture) + "M";
    }
}

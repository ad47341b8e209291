using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>
/// How a task's script ended: its exit code, or the signal that killed it (9 = SIGKILL, which is
/// also what a memory-limit kill looks like when there is no accounting).
/// </summary>
public readonly record struct SlurmExitCode(int Code, int Signal)
{
    public static readonly SlurmExitCode Success = new(0, 0);

    public bool IsSuccess => Code == 0 && Signal == 0;

    /// <summary>sacct's "code:signal", e.g. "0:9" or "3:0". Empty text means not known yet.</summary>
    public static SlurmExitCode? ParseSacct(string text)
    {
        var t = text.Trim();
        if (t.Length == 0)
            return null;
        var colon = t.IndexOf(':');
        var code = colon < 0 ? t : t[..colon];
        var signal = colon < 0 ? "0" : t[(colon + 1)..];
        return int.TryParse(code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var c)
            && int.TryParse(signal, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
            ? new SlurmExitCode(c, s)
            : throw new FormatException($"'{text}' is not a sacct exit code (expected code:signal, e.g. 0:9).");
    }

    /// <summary>squeue's exit_code field: a raw wait(2) status, e.g. 768 (exit 3) or 9 (SIGKILL).</summary>
    public static SlurmExitCode? ParseWaitStatus(string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || t == "N/A")
            return null;
        if (t.Contains(':'))
            return ParseSacct(t);
        return int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var status)
            ? new SlurmExitCode((status >> 8) & 0xff, status & 0x7f)
            : throw new FormatException($"'{text}' is not a wait status (expected a number such as 768).");
    }

    public override string ToString() =>
        $"{Code.ToString(CultureInfo.InvariantCulture)}:{Signal.ToString(CultureInfo.InvariantCulture)}";
}

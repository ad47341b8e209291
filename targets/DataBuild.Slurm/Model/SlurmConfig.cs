using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>The cluster limits and settings the executor plans with, from `scontrol show config`.</summary>
public sealed record SlurmConfig(IReadOnlyDictionary<string, string> Values)
{
    /// <summary>Array indices must be below this (Slurm's default is 1001).</summary>
    public int MaxArraySize => Int("MaxArraySize", 1001);

    /// <summary>Jobs the controller holds at once, every array task counted (Slurm's default is 10000).</summary>
    public int MaxJobCount => Int("MaxJobCount", 10000);

    /// <summary>Seconds a finished job stays visible to squeue.</summary>
    public int MinJobAge => Int("MinJobAge", 300);

    public string ClusterName => Get("ClusterName") ?? "";
    public string SlurmVersion => Get("SLURM_VERSION") ?? "";
    public string AccountingStorageType => Get("AccountingStorageType") ?? "accounting_storage/none";

    /// <summary>True when the controller is told to record jobs in slurmdbd; sacct may still be down.</summary>
    public bool AccountingConfigured => AccountingStorageType != "accounting_storage/none";

    /// <summary>True when memory is enforced by polling RSS (kills show as FAILED, signal 9) rather than cgroups.</summary>
    public bool OverMemoryKill =>
        (Get("JobAcctGatherParams") ?? "").Contains("OverMemoryKill", StringComparison.OrdinalIgnoreCase);

    public string? Get(string key) =>
        Values.TryGetValue(key, out var v) && v != "(null)" ? v : null;

    private int Int(string key, int fallback)
    {
        var text = Get(key);
        if (text is null)
            return fallback;
        // Some values carry units ("300 sec"); the number comes first.
        var number = text.Split(' ', 2)[0];
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}

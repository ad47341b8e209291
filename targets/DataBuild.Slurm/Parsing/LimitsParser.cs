using System.Globalization;

namespace DataBuild.Slurm;

/// <summary>Reads partition limits (`scontrol show partition -o`, one partition a line) and QoS limits (`sacctmgr -nP show qos`).</summary>
public static class LimitsParser
{
    /// <summary>The arguments of the sacctmgr call <see cref="ParseQos"/> reads.</summary>
    public static readonly IReadOnlyList<string> QosArguments = ["--noheader", "--parsable2", "show", "qos", "format=Name,MaxWall"];

    public static IReadOnlyList<PartitionLimits> ParsePartitions(string output)
    {
        var partitions = new List<PartitionLimits>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var pair in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq > 0) fields.TryAdd(pair[..eq], pair[(eq + 1)..]);
            }
            if (!fields.TryGetValue("PartitionName", out var name)) continue;
            partitions.Add(new PartitionLimits(name, fields.GetValueOrDefault("Default") == "YES",
                fields.TryGetValue("MaxTime", out var time) ? SlurmDuration.Parse(time) : null,
                Megabytes(fields.GetValueOrDefault("MaxMemPerNode")), Megabytes(fields.GetValueOrDefault("MaxMemPerCPU"))));
        }
        return partitions;
    }

    public static IReadOnlyList<QosLimits> ParseQos(string output)
    {
        var qos = new List<QosLimits>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split('|');
            if (fields[0].Length == 0) continue;
            qos.Add(new QosLimits(fields[0], fields.Length > 1 ? SlurmDuration.Parse(fields[1]) : null));
        }
        return qos;
    }

    // Slurm prints memory limits in megabytes, or UNLIMITED.
    private static long? Megabytes(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var mb) && mb > 0 ? mb * SlurmMemory.MiB : null;
}

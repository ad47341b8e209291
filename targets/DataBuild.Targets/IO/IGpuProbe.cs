using System.Globalization;

namespace DataBuild.IO;

/// <summary>GPU use of a set of processes, where a GPU and its tool are present; the real one asks nvidia-smi.</summary>
public interface IGpuProbe
{
    /// <summary>Utilisation (percent, of the busiest GPU the processes use) and GPU memory (MB) of these pids; null when none is known.</summary>
    (int Percent, long MemoryMb)? Read(IReadOnlyCollection<int> pids);
}

/// <summary>
/// Asks <c>nvidia-smi</c> (when it is on PATH) which compute processes hold GPU memory and how busy those GPUs are.
/// Starting nvidia-smi costs tens of milliseconds, so the sampler only asks for tasks that requested GPUs.
/// </summary>
public sealed class NvidiaSmiProbe(IProcessRunner processes) : IGpuProbe
{
    /// <summary>The probe when nvidia-smi is on PATH, else null.</summary>
    public static IGpuProbe? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "nvidia-smi")))
            ? new NvidiaSmiProbe(PosixProcessRunner.Instance) : null;

    public (int Percent, long MemoryMb)? Read(IReadOnlyCollection<int> pids)
    {
        try
        {
            var apps = processes.Capture(["nvidia-smi", "--query-compute-apps=pid,gpu_uuid,used_memory", "--format=csv,noheader,nounits"], "/");
            var gpus = processes.Capture(["nvidia-smi", "--query-gpu=uuid,utilization.gpu", "--format=csv,noheader,nounits"], "/");
            return Parse(apps, gpus, pids);
        }
        catch (ProcessStartException)
        {
            return null;
        }
    }

    /// <summary>The use of <paramref name="pids"/> from nvidia-smi's two CSV answers (compute apps, GPUs).</summary>
    public static (int Percent, long MemoryMb)? Parse(string apps, string gpus, IReadOnlyCollection<int> pids)
    {
        var wanted = pids.ToHashSet();
        var used = new HashSet<string>(StringComparer.Ordinal);
        long memory = 0;
        foreach (var cells in Rows(apps))
        {
            if (cells.Length < 3 || !int.TryParse(cells[0], CultureInfo.InvariantCulture, out var pid) || !wanted.Contains(pid)) continue;
            used.Add(cells[1]);
            if (long.TryParse(cells[2], CultureInfo.InvariantCulture, out var mb)) memory += mb;
        }
        if (used.Count == 0) return null;
        var percent = Rows(gpus).Where(c => c.Length >= 2 && used.Contains(c[0]))
            .Select(c => int.TryParse(c[1], CultureInfo.InvariantCulture, out var p) ? p : 0).DefaultIfEmpty(0).Max();
        return (percent, memory);
    }

    private static IEnumerable<string[]> Rows(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(',', StringSplitOptions.TrimEntries));
}

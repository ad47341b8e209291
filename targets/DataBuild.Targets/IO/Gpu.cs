namespace DataBuild.IO;

/// <summary>The GPUs of this machine, by index as CUDA numbers them. The real one asks <c>nvidia-smi -L</c>; tests use a fake.</summary>
public interface IGpuInventory
{
    IReadOnlyList<string> Devices();
}

/// <summary>GPU names shared by the executor and the container engines.</summary>
public static class Gpu
{
    public const string VisibleDevices = "CUDA_VISIBLE_DEVICES";
}

/// <summary>
/// Lists GPUs with <c>nvidia-smi -L</c> (lines <c>GPU 0: NVIDIA H100 (UUID: ...)</c>); none when nvidia-smi is missing
/// or fails. Inside an allocation that already restricts devices (CUDA_VISIBLE_DEVICES set), those are the GPUs.
/// </summary>
public sealed class NvidiaSmiGpuInventory(IProcessRunner processes, IReadOnlyDictionary<string, string?> environment) : IGpuInventory
{
    public IReadOnlyList<string> Devices()
    {
        if (environment.GetValueOrDefault(Gpu.VisibleDevices) is { } visible)
            return visible.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(d => d != "-1").ToList();
        string listing;
        try
        {
            listing = processes.Capture(["nvidia-smi", "-L"], "/");
        }
        catch (ProcessStartException)
        {
            return [];
        }
        return Parse(listing);
    }

    public static IReadOnlyList<string> Parse(string listing)
    {
        var ids = new List<string>();
        foreach (var line in listing.Split('\n'))
        {
            var t = line.Trim();
            if (!t.StartsWith("GPU ", StringComparison.Ordinal)) continue;
            var colon = t.IndexOf(':');
            if (colon > 4 && t[4..colon].All(char.IsAsciiDigit)) ids.Add(t[4..colon]);
        }
        return ids;
    }
}

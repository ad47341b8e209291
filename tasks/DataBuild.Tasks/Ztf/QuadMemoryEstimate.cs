namespace DataBuild.Tasks.Ztf;

/// <summary>
/// Memory to request from Slurm for one quad's feature job:
/// MB = roundUpTo64(256 + 1.5 × (sources × epochs × 96 B + sources × 4 KB + frequencies × 8 B × threads) / 2²⁰).
/// 256 MB covers the .NET runtime and Parquet buffers; 96 B per epoch is the three input doubles plus the five
/// per-epoch working arrays of the periodogram and the sorted copies; 4 KB per source covers the feature row and
/// object overhead; the power buffer is per thread. The 1.5 is headroom for GC; rounding to 64 MB keeps job
/// sizes few, which helps Slurm pack them.
/// </summary>
public static class QuadMemoryEstimate
{
    public static int Megabytes(int sources, int epochsPerSource, int frequencies = 2500, int threads = 8)
    {
        if (sources < 0 || epochsPerSource < 0) throw new ArgumentOutOfRangeException(nameof(sources), $"Counts must be non-negative, got {sources} sources × {epochsPerSource} epochs.");
        var bytes = (double)sources * epochsPerSource * 96 + sources * 4096.0 + (double)frequencies * 8 * threads;
        var megabytes = 256 + 1.5 * bytes / (1 << 20);
        return (int)Math.Ceiling(megabytes / 64) * 64;
    }
}

namespace DataBuild.Tasks.Numerics;

/// <summary>
/// A tiny seeded generator (Steele, Lea &amp; Flood 2014). We use it instead of System.Random because
/// System.Random's sequence is not promised to stay the same across .NET versions, and fixtures must be
/// byte-identical on every machine. Integer and uniform outputs are exact; Gaussian outputs go through
/// Math.Log/Math.Cos, so callers that persist them round to a fixed precision.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one named sub-stream, e.g. (seed, field, ccd, quad): independent of how many
    /// numbers other streams drew, so generating one quad alone gives the same data as generating the field.</summary>
    public static SplitMix64 ForKey(ulong seed, params ReadOnlySpan<long> key)
    {
        var state = Mix(seed);
        foreach (var part in key) state = Mix(state ^ Mix(unchecked((ulong)part) + 0x9E3779B97F4A7C15UL));
        return new SplitMix64(state);
    }

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit mix, also usable as a stable hash of an integer.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [min, max] inclusive (Lemire's multiply-shift; the tiny bias is irrelevant here).</summary>
    public int NextInt(int min, int maxInclusive)
    {
        var span = (ulong)((long)maxInclusive - min + 1);
        return (int)(min + (long)(((UInt128)NextUInt64() * span) >> 64));
    }

    public bool NextBool(double probability) => NextDouble() < probability;

    /// <summary>Standard normal deviate by Box–Muller (one of the pair is discarded to keep the state simple).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble(); // (0, 1], so the log is finite
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

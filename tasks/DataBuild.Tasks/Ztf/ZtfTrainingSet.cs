using DataBuild.Tasks.Numerics;

namespace DataBuild.Tasks.Ztf;

/// <summary>
/// A labelled training set: equal numbers of constant, periodic and irregular sources (real training sets are
/// curated to be far more balanced than the sky). Labels per tag come from <see cref="ZtfTags.Label"/>.
/// Source ids start at 9·10¹¹ so they never collide with field sources.
/// </summary>
public static class ZtfTrainingSet
{
    public const ulong DefaultSeed = 777;
    public const long FirstSourceId = 900_000_000_000L;

    public static IReadOnlyList<SyntheticSource> Generate(int count = 600, ulong seed = DefaultSeed, ZtfFixtureSpec? spec = null)
    {
        spec ??= new ZtfFixtureSpec();
        var classes = Enum.GetValues<VariabilityClass>();
        var sources = new SyntheticSource[count];
        for (var i = 0; i < count; i++)
        {
            var rng = SplitMix64.ForKey(seed, -1, i);
            var ra = Math.Round(rng.NextDouble(0, 360), 7);
            var dec = Math.Round(rng.NextDouble(-30, 80), 7);
            sources[i] = LightCurveSimulator.Simulate(FirstSourceId + i, ra, dec, classes[i % classes.Length], rng, spec);
        }
        return sources;
    }
}

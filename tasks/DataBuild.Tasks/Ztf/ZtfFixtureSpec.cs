namespace DataBuild.Tasks.Ztf;

/// <summary>Knobs of the synthetic ZTF fixture. The defaults give ~40 non-empty quads of ~30 sources × ~125 epochs per field.</summary>
public sealed record ZtfFixtureSpec
{
    public double EmptyQuadFraction { get; init; } = 0.35;
    public int MinSources { get; init; } = 10;
    public int MaxSources { get; init; } = 50;
    public int MinEpochs { get; init; } = 50;
    public int MaxEpochs { get; init; } = 200;
    public double PeriodicFraction { get; init; } = 0.08;
    public double IrregularFraction { get; init; } = 0.08;
    public double StartMjd { get; init; } = 58300;
    /// <summary>Days; one observing season, short enough that a fine frequency grid stays cheap.</summary>
    public double Baseline { get; init; } = 90;
    public double MinPeriod { get; init; } = 0.3;
    public double MaxPeriod { get; init; } = 10;
}

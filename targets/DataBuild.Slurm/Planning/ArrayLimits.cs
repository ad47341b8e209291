namespace DataBuild.Slurm;

/// <summary>
/// The cluster limits that shape arrays. <paramref name="JobCountShare"/> is the part of MaxJobCount this
/// driver allows itself: the controller's job table is shared with every other user.
/// </summary>
public sealed record ArrayLimits(int MaxArraySize, int MaxJobCount, double JobCountShare = 0.5)
{
    public static ArrayLimits From(SlurmConfig config, double jobCountShare = 0.5) =>
        new(config.MaxArraySize, config.MaxJobCount, jobCountShare);

    /// <summary>The most array tasks this driver keeps queued or running at once.</summary>
    public int InFlightBudget => Math.Max(1, (int)(MaxJobCount * JobCountShare));

    /// <summary>The most tasks one array may have: indices run 0..n-1 and must stay below MaxArraySize.</summary>
    public int MaxTasksPerArray => Math.Max(1, Math.Min(MaxArraySize, InFlightBudget));
}

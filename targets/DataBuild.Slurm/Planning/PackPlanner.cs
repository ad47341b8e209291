namespace DataBuild.Slurm;

/// <summary>
/// Chooses K, the build nodes one array task runs. Slurm charges every array task a fixed start-up cost
/// (about 1.3 s here, often more on a busy cluster), so tiny tasks must be packed; packs that run for hours
/// lose parallelism and make retries expensive. The aim is a few minutes of work per array task.
/// </summary>
public static class PackPlanner
{
    /// <summary>Work aimed at per array task.</summary>
    public static readonly TimeSpan DefaultTarget = TimeSpan.FromMinutes(5);

    /// <summary>Assumed wall time of a node never built before: long enough not to over-pack unknown work.</summary>
    public static readonly TimeSpan DefaultItemTime = TimeSpan.FromSeconds(30);

    /// <summary>No pack grows past this, however fast its nodes: one failure then costs a bounded rerun.</summary>
    public const int MaxItemsPerTask = 1000;

    /// <param name="itemCount">Build nodes to run, all of one target and resource set.</param>
    /// <param name="explicitPack">--pack K from the command line; wins when given.</param>
    /// <param name="recordedWallTimes">Wall times of earlier builds of this target (empty when it never ran).</param>
    /// <param name="parallelism">Nodes one array task runs at once (the allocation's cores per node's cores).</param>
    /// <param name="target">Work aimed at per array task; <see cref="DefaultTarget"/> when null.</param>
    public static PackPlan Plan(int itemCount, int? explicitPack = null, IReadOnlyCollection<TimeSpan>? recordedWallTimes = null,
        int parallelism = 1, TimeSpan? target = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        if (explicitPack is < 1)
            throw new ArgumentOutOfRangeException(nameof(explicitPack), explicitPack, "--pack must be at least 1.");
        parallelism = Math.Max(1, parallelism);
        if (itemCount == 0)
            return new PackPlan(1, 0, "nothing to run");
        if (explicitPack is { } k)
            return Make(itemCount, Math.Min(k, itemCount), $"--pack {k}");

        var aim = target ?? DefaultTarget;
        var known = recordedWallTimes is { Count: > 0 };
        // The mean, not the median: a pack's length is the sum of its nodes' times, outliers included.
        var perItem = known ? TimeSpan.FromTicks((long)recordedWallTimes!.Average(t => t.Ticks)) : DefaultItemTime;
        if (perItem <= TimeSpan.Zero)
            perItem = TimeSpan.FromMilliseconds(1);
        var fit = (int)Math.Clamp(Math.Floor(aim * parallelism / perItem), 1, MaxItemsPerTask);
        var items = Math.Min(fit, itemCount);
        var basis = known
            ? $"{recordedWallTimes!.Count} recorded build(s), mean {perItem.TotalSeconds:0.#} s"
            : $"no history, assuming {perItem.TotalSeconds:0} s per node";
        return Make(itemCount, items, $"auto: {basis}, {parallelism} at a time, aiming at {aim.TotalMinutes:0.#} min per array task");
    }

    private static PackPlan Make(int itemCount, int perTask, string reason) =>
        new(perTask, (itemCount + perTask - 1) / perTask, reason);
}

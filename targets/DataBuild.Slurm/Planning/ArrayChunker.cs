namespace DataBuild.Slurm;

/// <summary>Splits the array tasks of one target and resource set into job arrays the cluster accepts.</summary>
public static class ArrayChunker
{
    /// <summary>
    /// Splits <paramref name="taskCount"/> array tasks into the fewest arrays that respect the limits,
    /// sized evenly (1001 tasks under a limit of 1000 become 501 + 500, not 1000 + 1), so no array is a straggler.
    /// </summary>
    public static IReadOnlyList<ArrayChunk> Split(int taskCount, ArrayLimits limits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(taskCount);
        if (taskCount == 0)
            return [];
        var arrays = (taskCount + limits.MaxTasksPerArray - 1) / limits.MaxTasksPerArray;
        var chunks = new List<ArrayChunk>(arrays);
        var first = 0;
        for (var i = 0; i < arrays; i++)
        {
            // Spread the remainder over the first arrays: sizes differ by at most one.
            var count = taskCount / arrays + (i < taskCount % arrays ? 1 : 0);
            chunks.Add(new ArrayChunk(first, count));
            first += count;
        }
        return chunks;
    }

    /// <summary>
    /// True when <paramref name="next"/> can be submitted now without this driver holding more than its share
    /// of MaxJobCount; otherwise wait for running arrays to drain. An idle driver may always submit one array.
    /// </summary>
    public static bool CanSubmit(ArrayChunk next, int tasksInFlight, ArrayLimits limits) =>
        tasksInFlight == 0 || tasksInFlight + next.Count <= limits.InFlightBudget;
}

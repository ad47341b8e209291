using DataBuild.Model;

namespace DataBuild.Scheduling;

/// <summary>
/// The named rate limits of one build (<c>.RateLimit("archive", 5, RatePer.Second)</c>): every task start is
/// counted against its target's limit, over a sliding window, whichever target it belongs to.
/// </summary>
internal sealed class RateLimits
{
    private readonly Dictionary<string, Queue<TimeSpan>> _starts = new(StringComparer.Ordinal);

    /// <summary>Takes a start at <paramref name="now"/>, or, when the limit is reached, says when the next one is free.</summary>
    public TimeSpan? TryTake(RateLimitSpec limit, PartitionKey partition, TimeSpan now)
    {
        var name = limit.NameFor(partition);
        if (!_starts.TryGetValue(name, out var starts)) _starts[name] = starts = new Queue<TimeSpan>();
        while (starts.Count > 0 && now - starts.Peek() >= limit.Per) starts.Dequeue();
        if (starts.Count >= limit.Count) return starts.Peek() + limit.Per;
        starts.Enqueue(now);
        return null;
    }
}

/// <summary>How long to wait before a retry: exponential from the target's backoff, capped, with jitter.</summary>
internal static class RetryBackoff
{
    /// <summary>
    /// The wait before attempt <paramref name="nextAttempt"/>: backoff x 2^(n-2), at most the max, then between half
    /// and all of it at random, so that tasks failing together do not all come back at the same instant.
    /// </summary>
    public static TimeSpan Before(ResourceSpec resources, int nextAttempt, Random random)
    {
        if (resources.RetryBackoff is not { } backoff) return TimeSpan.Zero;
        var exponential = backoff.TotalSeconds * Math.Pow(2, Math.Max(0, nextAttempt - 2));
        var capped = Math.Min(exponential, (resources.RetryBackoffMax ?? TimeSpan.MaxValue).TotalSeconds);
        return TimeSpan.FromSeconds(capped * (0.5 + 0.5 * random.NextDouble()));
    }

    /// <summary>Whether a failure with <paramref name="exitCode"/> may be retried (<c>.RetryOn</c>; any failure without it).</summary>
    public static bool Allows(ResourceSpec resources, int? exitCode) =>
        resources.RetryOn is not { } codes || (exitCode is { } code && codes.Contains(code));
}

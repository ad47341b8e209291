using System.Diagnostics.Tracing;

namespace DataBuild.Diagnostics;

/// <summary>
/// With DATABUILD_TIMINGS=alloc: the runtime's own allocation sampling (an event about every 100 KB allocated,
/// naming the type that crossed the mark), tallied by type and printed to stderr when the build ends. The events come
/// through EventSource, which the pipeline program turns off for start-up speed: the report says so instead of
/// printing an empty table.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a]) : 100_000;
        lock (_bytesByType) _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
    }

    public void Report(TextWriter o)
    {
        lock (_bytesByType)
        {
            var total = _bytesByType.Values.Sum();
            if (total == 0 && AppContext.TryGetSwitch("System.Diagnostics.Tracing.EventSource.IsSupported", out var supported) && !supported)
            {
                o.WriteLine("[alloc] no samples: this program is published without EventSource support (build/Build.csproj); publish it with -p:EventSourceSupport=true to sample allocations.");
                return;
            }
            o.WriteLine($"[alloc] sampled {total >> 20} MB; by type:");
            foreach (var (type, bytes) in _bytesByType.OrderByDescending(kv => kv.Value).Take(25))
                o.WriteLine($"[alloc] {bytes * 100.0 / Math.Max(1, total),5:F1}%  {bytes >> 20,6} MB  {type}");
        }
    }
}

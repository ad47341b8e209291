namespace DataBuild.IO;

/// <summary>
/// What a task's process tree used at one moment: <see cref="Seconds"/> since it started, resident memory, CPU seconds
/// used so far (of the live tree and the children it reaped), bytes read and written through read/write calls so far,
/// threads, and where a GPU probe answers, its utilisation and the tree's GPU memory. For a task run in the driver's
/// process (in-process), CPU and bytes are its thread's and memory is the whole driver's (<see cref="DriverMemory"/>).
/// </summary>
public sealed record ResourceSample(double Seconds, long RssKb, double CpuSeconds, long ReadBytes, long WriteBytes, int Threads,
    int? GpuPercent = null, long? GpuMemoryMb = null)
{
    /// <summary>True when <see cref="RssKb"/> is the driver's, shared with whatever else it ran then (an in-process task).</summary>
    public bool DriverMemory { get; init; }
}

using DataBuild.IO;

namespace DataBuild.Model;

/// <summary>
/// Scheduler settings from outside the pipeline: a cluster profile's defaults and per-target overrides, and the command
/// line's <c>--set</c>. <see cref="Resolve"/> applies the precedence: command line &gt; profile per target &gt; DSL &gt;
/// profile defaults (&gt; the cluster's own defaults, for whatever is still unset).
/// </summary>
public sealed record SchedulerProfile
{
    private static readonly IReadOnlyDictionary<string, SchedulerSettings> None = new Dictionary<string, SchedulerSettings>();

    public static readonly SchedulerProfile Empty = new();

    public SchedulerSettings Defaults { get; init; } = new();
    public IReadOnlyDictionary<string, SchedulerSettings> ByTarget { get; init; } = None;
    public IReadOnlyDictionary<string, SchedulerSettings> CommandLine { get; init; } = None;

    /// <summary>The driver's own job under <c>--detach --executor slurm</c> (the profile's <c>driver:</c> section, then <c>--driver-*</c>).</summary>
    public SchedulerSettings Driver { get; init; } = new();

    /// <summary>The profile's <c>notify:</c> command, run when a build ends unless the command line gives <c>--notify</c>.</summary>
    public string? Notify { get; init; }

    /// <summary>
    /// The settings a target's node runs with. <paramref name="declared"/> is only called when the levels above the DSL
    /// leave the time unset or the DSL matters, so a wall time lambda overridden by the profile is never evaluated.
    /// </summary>
    public SchedulerSettings Resolve(string target, Func<bool, SchedulerSettings> declared)
    {
        var above = (CommandLine.TryGetValue(target, out var line) ? line : new SchedulerSettings())
            .Over(ByTarget.TryGetValue(target, out var mine) ? mine : new SchedulerSettings());
        return above.Over(declared(above.Walltime is null)).Over(Defaults);
    }

    /// <summary>
    /// The runtime a target's container runs with: the command line, the profile's target entry, the DSL's runtime
    /// unless it is <c>auto</c>, then the profile's defaults; <c>auto</c> when none names one.
    /// </summary>
    public ContainerRuntime ContainerRuntimeOf(string target, ContainerRuntime declared) =>
        Resolve(target, _ => new SchedulerSettings { ContainerRuntime = declared == ContainerRuntime.Auto ? null : declared }).ContainerRuntime
            ?? ContainerRuntime.Auto;

    /// <summary>Target names the profile and the command line mention that the pipeline does not declare.</summary>
    public IEnumerable<string> UnknownTargets(IReadOnlyCollection<string> declared) =>
        ByTarget.Keys.Concat(CommandLine.Keys).Where(t => !declared.Contains(t)).Distinct();
}

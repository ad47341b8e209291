using DataBuild.Model;

namespace DataBuild.Execution;

/// <summary>
/// Runs what the scheduler decided to build. The scheduler offers nodes while <see cref="CanStart"/> says yes,
/// calls <see cref="Flush"/> once it has offered all it can (a batching executor submits then), and waits for results.
/// </summary>
public interface IExecutor : IDisposable
{
    string Name { get; }

    int Running { get; }

    bool CanStart(Invocation invocation);

    void Start(Invocation invocation, TaskSpec task);

    void Flush();

    /// <summary>Called once the run is recorded, before anything starts: a batch executor finds its jobs still in flight.</summary>
    void Prepare(long runId) { }

    /// <summary>
    /// Called once before the first node is offered, with what each target of the build asks for (<c>Invocations.Probe</c>):
    /// an executor with limits refuses the whole build here, rather than after submitting the targets that fit.
    /// </summary>
    void Preflight(IReadOnlyList<Invocation> targets) { }

    /// <summary>
    /// True when this node is already running (or finished) in a job an earlier driver submitted with the same task key:
    /// its result will arrive from <see cref="WaitAsync"/> as if started here, so a rerun after a crash runs nothing twice.
    /// </summary>
    bool TryAdopt(Invocation invocation) => false;

    /// <summary>
    /// True when the tasks themselves take their starts from the build's rate limits where they run (Slurm workers), so the
    /// scheduler hands them out at once; false when a task starts as it is handed out, and the scheduler paces the hand-out.
    /// </summary>
    bool PacesRateLimits => false;

    /// <summary>Waits for at least one result, then returns every result available.</summary>
    Task<IReadOnlyList<RunResult>> WaitAsync(CancellationToken cancellation);

    /// <summary>Stops everything this executor started (Ctrl-C); results still arrive, marked cancelled.</summary>
    void CancelAll();
}

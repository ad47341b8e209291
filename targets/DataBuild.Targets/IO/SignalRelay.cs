namespace DataBuild.IO;

/// <summary>
/// Passes a signal to every process group registered with it: a Slurm worker warned of its time limit (SIGUSR1) tells
/// each task that keeps a checkpoint to save and stop. <see cref="Warned"/> stays true once a signal has been passed on.
/// </summary>
public sealed class SignalRelay
{
    /// <summary>SIGUSR1 on Linux: what <c>--signal=B:USR1@N</c> sends and a checkpointing task listens for.</summary>
    public const int Usr1 = 10;

    private readonly object _gate = new();
    private readonly List<Action<int>> _groups = [];

    public bool Warned { get; private set; }

    /// <summary>Registers a running process group (how to signal it) until the returned handle is disposed.</summary>
    public IDisposable Register(Action<int> signal)
    {
        lock (_gate) _groups.Add(signal);
        return new Registration(() => { lock (_gate) _groups.Remove(signal); });
    }

    public void Send(int signal)
    {
        Action<int>[] groups;
        lock (_gate)
        {
            Warned = true;
            groups = _groups.ToArray();
        }
        foreach (var g in groups) g(signal);
    }

    private sealed class Registration(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}

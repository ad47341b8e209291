namespace DataBuild.State;

/// <summary>
/// One driver per state directory. The lock is an flock held on <c>.databuild/lock</c> for the driver's lifetime,
/// so the kernel releases it when the driver dies, even by SIGKILL: a stale lock is simply taken over. The file
/// also says who holds it, for the message the second driver prints.
/// </summary>
public sealed class BuildLock : IDisposable
{
    private readonly FileStream _stream;

    private BuildLock(FileStream stream) => _stream = stream;

    public static BuildLock Acquire(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, "lock");
        FileStream stream;
        try
        {
            // FileShare.None takes an exclusive flock on Unix.
            stream = IO.RealFileSystem.OpenFile(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The lock is held, or the directory cannot be written at all (read-only filesystem, permissions): only the
            // unlocked info file beside it tells which.
            if (!Writable(path + ".info", out var why))
                throw new StateException($"Cannot write the state directory {Path.GetFullPath(stateDirectory)}: {why}. " +
                    "Is it on a read-only filesystem, or not yours? Build in a writable directory.", e);
            var holder = ReadHolder(path + ".info");
            throw new LockedException(
                $"Another DataBuild driver is using {stateDirectory} ({holder}).\n" +
                "Wait for it to finish, or stop it; a driver that died releases the lock by itself.");
        }
        // .NET takes a shared flock when opening for reading, which our exclusive lock refuses: the holder's
        // identity goes in a separate, unlocked file.
        using (var info = IO.RealFileSystem.OpenFile(path + ".info", FileMode.Create, FileAccess.Write))
            info.Write(System.Text.Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} on {Environment.MachineName} since {DateTimeOffset.UtcNow:u}\n"));
        return new BuildLock(stream);
    }

    /// <summary>
    /// Takes the lock, waiting while another driver holds it (<c>--wait-for-lock</c>): <paramref name="waiting"/> hears
    /// once why, then the lock is tried every <paramref name="poll"/> until it is free.
    /// </summary>
    public static BuildLock AcquireWaiting(string stateDirectory, Action<string> waiting, TimeSpan poll, CancellationToken cancellation = default)
    {
        var told = false;
        while (true)
        {
            try
            {
                return Acquire(stateDirectory);
            }
            catch (LockedException e)
            {
                if (!told) waiting($"{e.Message.Split('\n')[0]} Waiting for it to finish (--wait-for-lock).");
                told = true;
            }
            cancellation.WaitHandle.WaitOne(poll);
            cancellation.ThrowIfCancellationRequested();
        }
    }

    private static bool Writable(string path, out string why)
    {
        try
        {
            using (IO.RealFileSystem.OpenFile(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite)) { }
            why = "";
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = e.Message;
            return false;
        }
    }

    private static string ReadHolder(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim() is { Length: > 0 } text ? text : "holder unknown";
        }
        catch (IOException)
        {
            return "holder unknown";
        }
    }

    public void Dispose() => _stream.Dispose();
}

public sealed class LockedException(string message) : Exception(message);

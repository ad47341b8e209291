using DataBuild.IO;

namespace DataBuild.Execution;

/// <summary>
/// Emptied staging directories of tasks that succeeded, renamed into place for the next task instead of removed and
/// made again. On ext4, making a directory scans past every inode freed in the last ~35 s: with a removed staging
/// tree per task, the mkdirs of a cold build of small tasks grew to a third of the driver's CPU (perf), while a rename
/// allocates nothing. Whatever is still spare when the executor is done is removed.
/// </summary>
internal sealed class SpareStagingDirectories(IFileSystem fileSystem)
{
    // Each running task returns at most one, so this bounds what lingers after a crash, not what is reused.
    private const int MaxSpares = 64;

    private readonly object _gate = new();
    private readonly Stack<string> _spares = new();

    /// <summary>Keeps an empty staging directory for reuse; false (the caller removes it) when enough are kept.</summary>
    public bool Keep(string directory)
    {
        lock (_gate)
        {
            if (_spares.Count >= MaxSpares) return false;
            _spares.Push(directory);
            return true;
        }
    }

    /// <summary>Renames a spare to <paramref name="directory"/> (which must not exist); false when none was left or it is gone.</summary>
    public bool TryMoveTo(string directory)
    {
        string spare;
        lock (_gate)
            if (!_spares.TryPop(out spare!)) return false;
        try
        {
            fileSystem.Replace(spare, directory);
            return true;
        }
        catch (IOException)
        {
            return false; // removed behind our back (e.g. the state directory was deleted): make a fresh one
        }
    }

    /// <summary>Removes every spare left.</summary>
    public void RemoveAll()
    {
        List<string> left;
        lock (_gate)
        {
            left = [.. _spares];
            _spares.Clear();
        }
        foreach (var d in left)
        {
            // A spare holds only the numbered parents of outputs (0, 1, ...: Invocations.For), empty: each removed with
            // one rmdir, where removing the tree lists it first.
            for (var i = 0; fileSystem.Stat($"{d}/{i}") is { IsDirectory: true }; i++) fileSystem.Delete($"{d}/{i}");
            fileSystem.Delete(d);
        }
    }
}

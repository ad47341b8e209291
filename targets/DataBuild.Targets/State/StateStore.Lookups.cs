using DataBuild.IO;

namespace DataBuild.State;

public sealed partial class StateStore
{
    // Lookups have a reader connection of their own: probes ask from several threads, and the driver's writes go on.
    private StateStore? _lookups;
    private readonly Lock _lookupLock = new();

    /// <summary>One node's record, or null when it was never built: for a build that re-checks only the nodes a change reaches.</summary>
    public NodeRecord? LoadNode(string node)
    {
        lock (_lookupLock)
        {
            using var r = Lookups.Prepare("SELECT node, target, good_build, last_build, last_status, task_key, output_hash FROM nodes WHERE node = $n", [("$n", node)]);
            return r.Step()
                ? new NodeRecord(r.GetString(0), r.GetString(1), r.IsNull(2) ? null : r.GetInt64(2), r.GetInt64(3), ParseStatus(r.GetString(4)), ReadHash(r, 5), ReadHash(r, 6))
                : null;
        }
    }

    /// <summary>One file's entry in the stat cache, or null.</summary>
    public FileRecord? LoadFile(string path)
    {
        lock (_lookupLock)
        {
            using var r = Lookups.Prepare("SELECT size, mtime_ns, ctime_ns, inode, hash FROM files WHERE path = $p", [("$p", path)]);
            return r.Step() ? new FileRecord(new FileStat(false, r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), ReadHash(r, 4)) : null;
        }
    }

    private StateStore Lookups => _lookups ??= IsInMemory(_path) ? this : OpenReader();

    private void DisposeLookups()
    {
        if (_lookups is { } lookups && !ReferenceEquals(lookups, this)) lookups.Dispose();
        _lookups = null;
    }
}

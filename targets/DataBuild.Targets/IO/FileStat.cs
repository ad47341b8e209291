namespace DataBuild.IO;

/// <summary>
/// What stat(2) says about a path. Size, mtime (ns), ctime (ns) and inode together decide whether a cached
/// content hash still holds: a rewrite changes mtime or ctime, a replace-by-rename changes the inode.
/// </summary>
public readonly record struct FileStat(bool IsDirectory, long Size, long MtimeNs, long CtimeNs, long Inode)
{
    public bool SameContentAs(FileStat other) =>
        Size == other.Size && MtimeNs == other.MtimeNs && CtimeNs == other.CtimeNs && Inode == other.Inode;
}

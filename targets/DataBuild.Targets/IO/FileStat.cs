namespace DataBuild.IO;

/// <summary>
/// What stat(2) says about a path. Size, mtime (ns), ctime (ns) and inode together decide whether a cached
/// content hash still holds: a rewrite changes mtime or ctime, a replace-by-rename changes the inode.
/// </summary>
public readonly record struct FileStat(bool IsDirectory, long Size, long MtimeNs, long CtimeNs, long Inode)
{
    public bool SameContentAs(FileStat other) =>
        Size == other.Size && MtimeNs == other.MtimeNs && CtimeNs == other.CtimeNs && Inode == other.Inode;

    // Written out: the generated equality asks for the default comparers of bool and long, made by reflection at first use.
    public bool Equals(FileStat other) => IsDirectory == other.IsDirectory && SameContentAs(other);

    public override int GetHashCode() => HashCode.Combine(Size, MtimeNs, CtimeNs, Inode);
}

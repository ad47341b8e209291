using System.Runtime.InteropServices;

namespace DataBuild.IO;

/// <summary>The user and group this process runs as, in the <c>uid:gid</c> form container runtimes take.</summary>
public static partial class PosixIdentity
{
    /// <summary><c>uid:gid</c> of this process, e.g. <c>1000:1000</c>.</summary>
    public static string UserAndGroup() => $"{getuid()}:{getgid()}";

    [LibraryImport("libc")] private static partial uint getuid();
    [LibraryImport("libc")] private static partial uint getgid();
}

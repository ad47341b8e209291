using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>Why a node must be built. Up-to-date checks return these, never a bare bool; --plan and why print them verbatim.</summary>
public abstract record Reason
{
    public abstract string Describe();

    public sealed override string ToString() => Describe();
}

public sealed record NeverBuilt : Reason
{
    public override string Describe() => "never built";
}

public sealed record OutputMissing(string Path) : Reason
{
    public override string Describe() => $"output missing: {Path}";
}

public sealed record OutputModified(string Path) : Reason
{
    public override string Describe() => $"output modified since it was built: {Path}";
}

public sealed record InputChanged(string Name, string Old, string New) : Reason
{
    public override string Describe() => $"input changed: {Name} ({Old} -> {New})";
}

public sealed record CommandChanged(string Old, string New) : Reason
{
    public override string Describe() => $"command changed: {Old} -> {New}";
}

public sealed record ToolChanged(string Name, string Old, string New) : Reason
{
    public override string Describe() => $"tool changed: {Name} ({Old} -> {New})";
}

public sealed record ParametersChanged(string Name, string Old, string New) : Reason
{
    public override string Describe() => $"parameter changed: {Name} ({Old} -> {New})";
}

/// <summary>An upstream node's outputs changed since this node was built (or, in a plan, it is about to be rebuilt).</summary>
public sealed record UpstreamChanged(string Node, bool Pending = false) : Reason
{
    public override string Describe() => Pending ? $"upstream will be rebuilt: {Node}" : $"upstream changed: {Node}";
}

/// <summary>The image a target's container names resolves to another id (a tag moved, an image was rebuilt or re-imported).</summary>
public sealed record ContainerChanged(string Image, string Old, string New) : Reason
{
    public override string Describe() => $"container changed: {Image} ({Old} -> {New})";
}

using DataBuild.Model;
using DataBuild.Products;

namespace DataBuild.Pipelines.Products;

internal static class ProvenanceOf
{
    /// <summary>The provenance of what a C# step writes: its target, the partition it is building, and its task version.</summary>
    public static Provenance Provenance(this TaskContext ctx, string target, string taskVersion) =>
        new(target, ctx.Partition.ToString(), taskVersion);
}

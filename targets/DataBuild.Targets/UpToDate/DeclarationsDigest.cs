using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.Model;
using DataBuild.State;

namespace DataBuild.UpToDate;

/// <summary>
/// A digest of the pipeline's declarations as a build evaluated them: targets, partitions, mapped dependencies and
/// each node's declared inputs (task identity, parameters, configs, containers, environment variables, tools).
/// Computed from a finished build when a snapshot is saved, and from the model when it is checked; both fold the
/// same values in the same order through the same helpers, so they agree exactly when nothing changed.
/// </summary>
internal static class DeclarationsDigest
{
    /// <summary>The declarations of a finished build, from the values its nodes were decided on.</summary>
    public static Hash128 Of(IReadOnlyList<Node> nodes, IReadOnlyList<TargetRun> targets)
    {
        var digest = new HashBuilder().Add(UpToDateSnapshot.Magic);
        foreach (var t in targets)
        {
            digest.Add(TargetHash(t.Spec)).Add(t.Nodes.Count);
            foreach (var i in t.Nodes)
            {
                var node = nodes[i];
                AddNode(digest, node.Partition, node.Declared);
                for (var d = 0; d < t.Spec.Dependencies.Count; d++)
                {
                    if (t.Spec.Dependencies[d].UpstreamOf is null) continue;
                    digest.Add(node.Dependencies[d].Length);
                    foreach (var up in node.Dependencies[d]) digest.Add(nodes[up].Partition.ToString());
                }
            }
        }
        return digest.BuildDigest();
    }

    /// <summary>
    /// The same digest, evaluated now: static partitions, and each node's declared values (once per target when
    /// they do not depend on the partition) and mapped dependencies (in parallel when they do). Each target and its
    /// partitions go to <paramref name="evaluated"/>, in order.
    /// </summary>
    public static Hash128 Of(PipelineModel model, Workspace workspace, IReadOnlyList<NodeSelector> requested,
        Dictionary<string, List<PartitionKey>> dynamicKeys, List<UpToDateSnapshot.TargetCount> rows, List<(TargetSpec, List<PartitionKey>)>? evaluated = null)
    {
        var (order, filters) = TargetSelection.Resolve(model, requested);
        if (order.Count != rows.Count) return Hash128.Empty;
        var hasher = new FileHasher(workspace.FileSystem, new Dictionary<string, FileRecord>());
        var signatures = new SignatureBuilder(hasher, new ToolIdentity(workspace.Processes, hasher, workspace.FileSystem.FullPath(".")), workspace.Environment, workspace.Containers);
        var digest = new HashBuilder().Add(UpToDateSnapshot.Magic);
        for (var t = 0; t < order.Count; t++)
        {
            var spec = order[t];
            if (spec.Name != rows[t].Target) return Hash128.Empty;
            var keys = spec.IsDynamic
                ? dynamicKeys.GetValueOrDefault(spec.Name) ?? []
                : TargetSelection.StaticPartitions(spec, filters[spec.Name], rows[t].Nodes);
            Diagnostics.Timings.Mark("partitions of " + spec.Name, keys.Count);
            evaluated?.Add((spec, keys));
            digest.Add(TargetHash(spec)).Add(keys.Count);
            var mapped = new List<DependencySpec>();
            foreach (var d in spec.Dependencies)
                if (d.UpstreamOf is not null) mapped.Add(d);
            if (spec.Task is null || SignatureBuilder.DeclaredPerTarget(spec))
            {
                var declared = spec.Task is null ? Hash128.Empty : signatures.DeclaredHash(spec, PartitionKey.None);
                foreach (var key in keys)
                {
                    AddNode(digest, key, declared);
                    foreach (var d in mapped) AddMapped(digest, new List<PartitionKey>(d.UpstreamOf!(key)));
                }
            }
            else AddPerPartition(digest, signatures, spec, keys, mapped);
        }
        return digest.BuildDigest();
    }

    /// <summary>
    /// Per-partition declared values and mapped dependencies come from pipeline code, which may be slow: evaluated on
    /// every core. A method of its own, so that a check without them loads neither Parallel nor its types.
    /// </summary>
    private static void AddPerPartition(HashBuilder digest, SignatureBuilder signatures, TargetSpec spec, List<PartitionKey> keys, List<DependencySpec> mapped)
    {
        var perNode = new (Hash128 Declared, List<PartitionKey>[] Mapped)[keys.Count];
        Parallel.For(0, keys.Count, i => perNode[i] = (signatures.DeclaredHash(spec, keys[i]), mapped.Select(d => d.UpstreamOf!(keys[i]).ToList()).ToArray()));
        for (var i = 0; i < keys.Count; i++)
        {
            AddNode(digest, keys[i], perNode[i].Declared);
            foreach (var ups in perNode[i].Mapped) AddMapped(digest, ups);
        }
    }

    private static void AddNode(HashBuilder digest, PartitionKey partition, Hash128 declared) => digest.Add(partition.ToString()).Add(declared);

    private static void AddMapped(HashBuilder digest, List<PartitionKey> upstream)
    {
        digest.Add(upstream.Count);
        foreach (var up in upstream) digest.Add(up.ToString());
    }

    /// <summary>Everything a target declares that is the same for all its partitions.</summary>
    private static Hash128 TargetHash(TargetSpec spec)
    {
        var builder = new HashBuilder().Add(spec.Name).Add(spec.DynamicSource ?? "").Add(spec.BuildOnlyWhenMissing ? 1 : 0)
            .Add(spec.Task?.Identity ?? "").Add(spec.Inputs.Count);
        foreach (var i in spec.Inputs) builder.Add((long)i.Kind).Add(i.Name).Add(i.Template ?? "").AddJoined(i.VersionArgs ?? [], '\0');
        builder.Add(spec.Outputs.Count);
        foreach (var o in spec.Outputs) builder.Add(o.Name).Add(o.Template).Add(o.IsDirectory ? 1 : 0);
        builder.Add(spec.Dependencies.Count);
        foreach (var d in spec.Dependencies) builder.Add(d.Target).Add(d.UpstreamOf is null ? 0 : 1);
        return builder.BuildDigest();
    }
}

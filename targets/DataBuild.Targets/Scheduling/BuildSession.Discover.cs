using DataBuild.Graph;
using DataBuild.Model;

namespace DataBuild.Scheduling;

public sealed partial class BuildSession
{
    /// <summary>The partitions a finished source node yields, read once per source output hash and cached in the state.</summary>
    private IEnumerable<PartitionKey> Discover(TargetRun target, Node source)
    {
        var cached = _state.LoadPartitions(target.Name, source.Name, source.OutputHash);
        if (cached is not null)
            return cached.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(PartitionKey.Parse).ToList();
        var outputs = source.OutputsByName();
        List<PartitionKey> keys;
        try
        {
            keys = target.Spec.Discover!(new PartitionSource(source.Partition, outputs, _workspace.FileSystem.FullPath))
                .Select(k => source.Partition.With(k)).ToList();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A pipeline's discovery code reading a bad product: the target is unavailable, the build fails, and
            // the message says which source to look at.
            throw new DiscoveryException($"discovering the partitions of {target.Name} from {source.Name} failed: {e.Message} " +
                $"(reading {string.Join(", ", outputs.Values)}; fix or rebuild that input)", e);
        }
        if (!_options.Plan) _state.SavePartitions(target.Name, source.Name, source.OutputHash, string.Join("\n", keys));
        return keys;
    }
}

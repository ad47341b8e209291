using DataBuild.Graph;
using DataBuild.Hashing;
using DataBuild.Model;
using DataBuild.UpToDate;

namespace DataBuild.Scheduling;

/// <summary>Builds the invocation of a stale node: the resolved task an executor runs, with nothing left to plan.</summary>
public static class Invocations
{
    /// <summary>What the executor is given to run a stale node: argv, inputs, staging and log paths, resources.</summary>
    public static Invocation For(Node node, IReadOnlyList<Node> nodes, Signature signature, Workspace workspace, long runId)
    {
        var target = node.Target;
        var staging = $"{workspace.StateDirectory}/staging/{runId}/{Hash128.Of(node.Name).Short}";
        var outputs = node.OutputPaths().Select((o, i) => new OutputBinding(o.Name, o.Path, $"{staging}/{i}/{Path.GetFileName(o.Path)}", o.IsDirectory)).ToList();
        string[]? argv = null;
        if (target.Task is ArgvTaskSpec)
            argv = SignatureBuilder.ExpandArgv(node, nodes, signature.InputPaths, signature.Parameters, name => outputs.First(o => o.Name == name).StagingPath);
        var upstream = new Dictionary<string, UpstreamBinding[]>(StringComparer.Ordinal);
        for (var d = 0; d < target.Dependencies.Count; d++)
            upstream[target.Dependencies[d].Target] = node.Dependencies[d]
                .Select(i => new UpstreamBinding(nodes[i].Partition.ToString(), nodes[i].OutputPaths().ToDictionary(o => o.Name, o => o.Path)))
                .ToArray();
        var logPath = LogPath(node, workspace);
        return new Invocation
        {
            Node = node.Name,
            Target = target.Name,
            Partition = node.Partition.ToString(),
            Inputs = signature.InputPaths,
            Outputs = outputs,
            Upstream = upstream,
            Parameters = signature.Parameters,
            Argv = argv,
            StagingDirectory = staging,
            LogPath = logPath,
            Cores = target.Resources.Cores,
            MemoryMb = node.MemoryMbOverride ?? MemoryEstimate(node, signature, workspace),
            Gpus = target.Resources.Gpus,
            Walltime = node.WalltimeOverride ?? target.Resources.Walltime,
            Attempt = Math.Max(1, node.Attempt),
            TaskKey = signature.Key.ToString(),
        };
    }

    /// <summary>Where a node's task writes its log (relative to the workspace root).</summary>
    public static string LogPath(Node node, Workspace workspace) => $"{workspace.StateDirectory}/logs/{node.Target.Name}/{node.Partition.FileName}.log";

    private static long? MemoryEstimate(Node node, Signature signature, Workspace workspace)
    {
        try
        {
            return node.Target.Resources.MemoryMb?.Invoke(new ResourceContext(node.Partition, workspace.FileSystem.FullPath, signature.InputPaths, workspace.FileSystem));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DeclarationException($"its memory estimate (.MemoryMb) failed: {e.Message}", e);
        }
    }
}

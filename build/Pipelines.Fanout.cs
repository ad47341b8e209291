using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Pipelines;

/// <summary>
/// The quad fan-out workload (benchmarks and end-to-end tests): raw/qI -> features/qI (one copy per quad) ->
/// groups of 64 quads concatenated -> one file concatenating the groups. External cp/cat through argv, so the
/// comparison with Ninja and Snakemake measures the build system, not the work.
/// </summary>
public sealed partial class Pipelines
{
    [Parameter("Quads in the fan-out workload (its inputs are raw/q<I> under the working directory)")]
    readonly int FanoutQuads = 0;

    [Parameter("Seconds each fan-out copy sleeps first (0: a plain cp); crash tests use it to kill a build midway")]
    readonly double FanoutTaskSeconds = 0;

    [Parameter("File each fan-out copy appends its quad number to as it starts (the fault suite counts executions with it); empty: none")]
    readonly string FanoutSideLog = "";

    const int FanoutGroupSize = 64;

    // Argv, not a shell string built from values: the sleep and the paths are positional arguments of a constant script.
    string[] FanoutCopy => FanoutSideLog.Length > 0
        ? ["sh", "-c", "echo \"$4\" >> \"$5\" && sleep \"$1\" && cp -- \"$2\" \"$3\"", "copy", "{param:delay}", "{in:raw}", "{out}", "{quad}", "{param:sidelog}"]
        : FanoutTaskSeconds > 0
        ? ["sh", "-c", "sleep \"$1\" && cp -- \"$2\" \"$3\"", "copy", "{param:delay}", "{in:raw}", "{out}"]
        : ["cp", "{in:raw}", "{out}"];

    Target FanoutFeatures => _ => _
        .Description("fan-out workload: copy raw/q<I> to features/q<I>")
        .Partitions(FanoutQuadKeys)
        .Input("raw", "raw/q{quad}")
        .Parameter("delay", FanoutTaskSeconds)
        .Parameter("sidelog", FanoutSideLog)
        .Output("features/q{quad}")
        .Executes(FanoutCopy);

    Target FanoutGroups => _ => _
        .Description("fan-out workload: concatenate each group of 64 quads")
        .DependsOn(FanoutFeatures)
        .Partitions(FanoutGroupKeys)
        .Output("groups/g{group}")
        // A constant script with paths as positional arguments: no shell string is built from partition values.
        .Executes("sh", "-c", "out=$1; shift; cat -- \"$@\" > \"$out\"", "concat", "{out}", "{deps:FanoutFeatures}");

    // One partition per quad, each in its group of 64.
    IEnumerable<PartitionKey> FanoutQuadKeys()
    {
        for (var q = 0; q < FanoutQuads; q++) yield return Key("group", q / FanoutGroupSize, "quad", q);
    }

    IEnumerable<PartitionKey> FanoutGroupKeys()
    {
        for (var g = 0; g * FanoutGroupSize < FanoutQuads; g++) yield return Key("group", g);
    }

    Target FanoutAll => _ => _
        .Description("fan-out workload: concatenate all groups")
        .DependsOn(FanoutGroups)
        .Output("all.txt")
        .Executes("sh", "-c", "out=$1; shift; cat -- \"$@\" > \"$out\"", "concat", "{out}", "{deps:FanoutGroups}");
}

using DataBuild.Model;

namespace DataBuild.Bench.Fanout;

/// <summary>
/// The same three targets as build/Pipelines.Fanout.cs with its default parameters (keys, parameters, argv), the quad
/// count given to the constructor.
/// </summary>
public sealed class FanoutPipeline(int quads) : Pipeline
{
    private const int GroupSize = 64;

    public FanoutPipeline() : this(0) { }

    Target FanoutFeatures => _ => _
        .Partitions(QuadKeys)
        .Input("raw", "raw/q{quad}")
        .Parameter("delay", 0.0)
        .Parameter("sidelog", "")
        .Output("features/q{quad}")
        .Executes("cp", "{in:raw}", "{out}");

    Target FanoutGroups => _ => _
        .DependsOn(FanoutFeatures)
        .Partitions(GroupKeys)
        .Output("groups/g{group}")
        .Executes("sh", "-c", "out=$1; shift; cat -- \"$@\" > \"$out\"", "concat", "{out}", "{deps:FanoutFeatures}");

    Target FanoutAll => _ => _
        .DependsOn(FanoutGroups)
        .Output("all.txt")
        .Executes("sh", "-c", "out=$1; shift; cat -- \"$@\" > \"$out\"", "concat", "{out}", "{deps:FanoutGroups}");

    IEnumerable<PartitionKey> QuadKeys()
    {
        for (var q = 0; q < quads; q++) yield return Key("group", q / GroupSize, "quad", q);
    }

    IEnumerable<PartitionKey> GroupKeys()
    {
        for (var g = 0; g * GroupSize < quads; g++) yield return Key("group", g);
    }
}

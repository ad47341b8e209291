using DataBuild.Model;

namespace DataBuild.Bench.Fanout;

/// <summary>The same three targets as build/Pipelines.Fanout.cs, with the quad count given to the constructor.</summary>
public sealed class FanoutPipeline(int quads) : Pipeline
{
    private const int GroupSize = 64;

    public FanoutPipeline() : this(0) { }

    Target FanoutFeatures => _ => _
        .Partitions(() => Enumerable.Range(0, quads).Select(q => Key(("group", q / GroupSize), ("quad", q))))
        .Input("raw", "raw/q{quad}")
        .Output("features/q{quad}")
        .Executes("cp", "{in:raw}", "{out}");

    Target FanoutGroups => _ => _
        .DependsOn(FanoutFeatures)
        .PartitionedBy("group", Enumerable.Range(0, (quads + GroupSize - 1) / GroupSize))
        .Output("groups/g{group}")
        .Executes("sh", "-c", "out=$1; shift; cat -- \"$@\" > \"$out\"", "concat", "{out}", "{deps:FanoutFeatures}");

    Target FanoutAll => _ => _
        .DependsOn(FanoutGroups)
        .Output("all.txt")
        .Executes("sh", "-c", "out=$1; shift; cat -- \"$@\" > \"$out\"", "concat", "{out}", "{deps:FanoutGroups}");
}

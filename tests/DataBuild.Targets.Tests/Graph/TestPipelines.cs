using DataBuild.IO;
using DataBuild.Model;

namespace DataBuild.Targets.Tests.Graph;

/// <summary>raw/qI -> Features[quad=I] (cp, one-to-one) -> Summary (cat of all, fan-in, with a parameter).</summary>
internal sealed class QuadsPipeline(int quads = 4, string scale = "1") : Pipeline
{
    public static void WriteInputs(InMemoryFileSystem files, int quads = 4)
    {
        for (var q = 0; q < quads; q++) files.WriteAllText($"raw/q{q}", $"quad {q}\n");
    }

    Target Features => _ => _
        .PartitionedBy("quad", Enumerable.Range(0, quads))
        .Input("raw", "raw/q{quad}")
        .Output("features/q{quad}")
        .Executes("cp", "{in:raw}", "{out}");

    Target Summary => _ => _
        .DependsOn(Features)
        .Parameter("scale", scale)
        .Output("summary.txt")
        .Executes("cat", "{out}", "{deps:Features}");
}

/// <summary>raw.txt -> Trimmed (C#: the text without surrounding whitespace) -> Report (cp): for early cutoff.</summary>
internal sealed class TrimPipeline(InMemoryFileSystem files) : Pipeline
{
    Target Trimmed => _ => _
        .Input("raw", "raw.txt")
        .Output("trimmed.txt")
        .Executes(ctx => files.WriteAllText(ctx.Output(), files.ReadAllText(ctx.Input("raw")).Trim()), version: "1");

    Target Report => _ => _
        .DependsOn(Trimmed)
        .Output("report.txt")
        .Executes("cat", "{out}", "{deps:Trimmed}");
}

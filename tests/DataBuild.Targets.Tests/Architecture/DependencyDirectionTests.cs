namespace DataBuild.Targets.Tests.Architecture;

/// <summary>The engine's namespaces (one per folder) depend one way: each may use those below it, never one above.</summary>
public class DependencyDirectionTests
{
    // Lowest first. Where to add a namespace: below everything that uses it, above everything it uses (ARCHITECTURE.md).
    private static readonly string[] Layers =
    [
        "DataBuild.Hashing",        // content hashes
        "DataBuild.IO",             // the side effects: file system, clock, processes
        "DataBuild",                // Workspace: the bundle of those a build runs with
        "DataBuild.Diagnostics",    // timings
        "DataBuild.Model",          // the DSL: pipelines, targets, partitions, what a task is given
        "DataBuild.Parameters",     // binding [Parameter] fields from options, environment and files
        "DataBuild.State",          // the state database: what was built, from what
        "DataBuild.Graph",          // nodes, materialized from targets and partitions
        "DataBuild.UpToDate",       // "is this node up to date, and if not, why": keys, reasons, the snapshot cache
        "DataBuild.Execution",      // running tasks: executors, the node runner
        "DataBuild.Execution.Slurm",
        "DataBuild.Scheduling",     // one build: ready nodes onto an executor, retries, results recorded
        "DataBuild.Cli",            // commands, the host, reports
    ];

    // Above the engine, in an assembly of its own (targets/DataBuild.Reporting, Plotly.NET): the HTML report of a run.
    private const string ReportLayer = "DataBuild.Reporting";

    // Uses that still go up, to be removed (ARCHITECTURE.md, "Known back-edges"). The list must shrink, never grow.
    private static readonly string[] KnownUpwardUses = [];

    [Fact]
    public void No_namespace_uses_one_above_it()
    {
        var upward = DependencyDirection.UpwardUses(typeof(Workspace).Assembly, Layers);

        var edges = upward.Select(u => u[..u.IndexOf(" (", StringComparison.Ordinal)]).Distinct().ToList();
        Assert.True(edges.SequenceEqual(KnownUpwardUses),
            $"Uses that go up (expected only: {string.Join(", ", KnownUpwardUses)}):\n{string.Join("\n", upward)}");
    }

    [Fact]
    public void The_report_sits_above_the_engine_which_never_references_it()
    {
        var report = typeof(DataBuild.Reporting.HtmlReport).Assembly;

        Assert.DoesNotContain(typeof(Workspace).Assembly.GetReferencedAssemblies(), a => a.Name == report.GetName().Name);
        Assert.All(report.GetTypes().Where(t => t.Namespace is { } n && n.StartsWith("DataBuild", StringComparison.Ordinal)),
            t => Assert.Equal(ReportLayer, t.Namespace));
    }

    [Fact]
    public void A_deliberate_back_edge_is_found_and_named_with_an_example()
    {
        // The command line uses the model; listed the other way round, that use goes up.
        string[] upsideDown = [.. Layers.Where(l => l != "DataBuild.Cli").Take(4), "DataBuild.Cli", .. Layers.Where(l => l != "DataBuild.Cli").Skip(4)];

        var upward = DependencyDirection.UpwardUses(typeof(Workspace).Assembly, upsideDown);

        Assert.Contains(upward, u => u.StartsWith("DataBuild.Cli -> DataBuild.Model (", StringComparison.Ordinal) && u.Contains(" uses ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_namespace_placed_in_no_layer_is_reported()
    {
        var e = Assert.Throws<InvalidOperationException>(() => DependencyDirection.UpwardUses(typeof(Workspace).Assembly, Layers.Where(l => l != "DataBuild.Hashing").ToList()));

        Assert.Equal("Namespaces not placed in a layer: DataBuild.Hashing. Add each where it belongs.", e.Message);
    }
}

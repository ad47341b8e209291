using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Cli;

/// <summary>Prints <c>--help</c>: usage, targets with descriptions and dependencies, parameters with their sources.</summary>
internal static class Help
{
    public static void Write(TextWriter o, Pipeline pipeline, IReadOnlyList<ParameterDescriptor> parameters, IReadOnlyList<HostCommand> extra)
    {
        o.WriteLine("Usage: ./build.sh <Target>[key=value,...] ... [options] [--<parameter> values...]");
        o.WriteLine("       ./build.sh why <Target>[key=value,...]     explain why one node would (not) rebuild");
        o.WriteLine("       ./build.sh status [<Target>...] [--watch]  a running driver's progress, or per-target counts: up to date, stale, failed, never built");
        o.WriteLine("       ./build.sh graph [<Target>...] [--format dot|mermaid] [--nodes]");
        foreach (var c in extra) o.WriteLine($"       ./build.sh {c.Usage,-36} {c.Description}");
        o.WriteLine();
        o.WriteLine("Targets:");
        PipelineModel? model = null;
        try { model = PipelineModel.Load(pipeline); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException) { o.WriteLine($"  (cannot list targets: {e.Message})"); }
        if (model is not null)
        {
            var width = model.Order.Max(n => n.Length);
            foreach (var name in model.Order)
            {
                var t = model.Targets[name];
                var deps = t.Upstream.ToList();
                o.WriteLine($"  {name.PadRight(width)}  {t.Description}{(deps.Count > 0 ? $" (after {string.Join(", ", deps)})" : "")}");
            }
        }
        o.WriteLine();
        o.WriteLine("Options:");
        o.WriteLine("  --plan                 show what would run and why; run nothing");
        o.WriteLine("  -j, --jobs N           parallel tasks (default: number of cores)");
        o.WriteLine("  --gpus N               GPUs local tasks share (default: those nvidia-smi -L lists)");
        o.WriteLine("  -k, --keep-going       keep building what does not depend on a failure");
        o.WriteLine("  --executor local|slurm where tasks run: this machine, or Slurm job arrays submitted from here");
        o.WriteLine("  --pack K               slurm: nodes per array task (default: about 5 minutes of work, from history)");
        o.WriteLine("  --pack-parallel N      slurm: nodes an array task runs at once (asks for N times the CPUs and memory)");
        o.WriteLine("  --poll-interval S      slurm: seconds between squeue calls (default 30)");
        o.WriteLine("  --partition P, --account A, --qos Q, --array-throttle N, --sbatch-args \"...\"");
        o.WriteLine("                         slurm: passed to sbatch (--array=...%N for the throttle)");
        o.WriteLine("  --retry-cancelled      slurm: retry an array task someone cancelled with scancel (default: reported, not retried)");
        o.WriteLine("  --profile FILE         slurm: cluster profile (default ./databuild.yaml): settings for all targets and by target");
        o.WriteLine("  --set T.key=value      slurm: one setting of target T for this run, e.g. --set Features.partition=debug");
        o.WriteLine("  --notify CMD           when the build ends, run CMD (split at spaces, no shell) with a JSON summary on stdin");
        o.WriteLine("  --detach               run the build in the background, detached from the terminal (prints its pid and log);");
        o.WriteLine("                         with --executor slurm the driver is a Slurm job of 1 CPU that resubmits itself near its time limit");
        o.WriteLine("  --driver-walltime T, --driver-partition P, --driver-links N");
        o.WriteLine("                         slurm --detach: the driver job's time limit, partition, and how many driver jobs may follow (default 10)");
        o.WriteLine("  --wait-for-lock        wait while another driver uses this directory (default: exit 75 at once)");
        o.WriteLine("  --params FILE          parameters from a YAML or JSON file");
        o.WriteLine("  -v, --verbose          list every node in plans and reports");
        o.WriteLine("  --no-progress          plain progress lines even on a terminal");
        o.WriteLine("  --version              DataBuild's version and the .NET runtime it runs on");
        if (parameters.Count == 0) return;
        o.WriteLine();
        o.WriteLine("Parameters (command line > DATABUILD_* environment > --params file > default):");
        var pw = parameters.Max(p => p.Option.Length) + 2;
        foreach (var p in parameters)
        {
            var value = p.Format(pipeline);
            o.WriteLine($"  --{p.Option.PadRight(pw)} {p.Description}{(value.Length > 0 ? $" [default: {value}]" : "")} (${p.EnvironmentVariable})");
        }
    }
}

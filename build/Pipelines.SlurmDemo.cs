using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Pipelines;

/// <summary>
/// A test workload for the Slurm executor, off by default (no partitions): N tasks that append a line to a side log
/// (so a test can count executions), hold some memory (to provoke an OOM kill at their --mem) and sleep.
/// Perl, not a shell variable, holds the memory: its peak is the size asked for, so one retry with twice the memory succeeds.
/// </summary>
public sealed partial class Pipelines
{
    [Parameter("SlurmDemo: number of tasks (0: the target has none)")]
    readonly int SlurmDemoTasks = 0;

    [Parameter("SlurmDemo: memory each task asks for, in MB")]
    readonly int SlurmDemoMemoryMb = 100;

    [Parameter("SlurmDemo: memory each task holds while it sleeps, in MB")]
    readonly int SlurmDemoHoldMb = 0;

    [Parameter("SlurmDemo: seconds each task sleeps")]
    readonly double SlurmDemoSeconds = 0;

    [Parameter("SlurmDemo: absolute path of a side log every execution appends its task number to")]
    readonly string SlurmDemoSideLog = "/dev/null";

    Target SlurmDemo => _ => _
        .Description("Slurm executor test workload: tasks that log their executions, hold memory and sleep (--slurm-demo-tasks N)")
        .Partitions(() => Enumerable.Range(0, SlurmDemoTasks).Select(i => Key("task", i)))
        .MemoryMb(_ => SlurmDemoMemoryMb)
        .Parameter("hold", SlurmDemoHoldMb)
        .Parameter("seconds", SlurmDemoSeconds)
        .Parameter("sidelog", SlurmDemoSideLog)
        .Output("out/slurmdemo/{task}.txt")
        .Executes("perl", "-e", """
            my ($out, $task, $log, $mb, $s) = @ARGV;
            open(my $l, '>>', $log) or die "$log: $!"; print $l "$task\n"; close($l);
            my $x = 'a' x ($mb * 1048576); select(undef, undef, undef, $s);
            open(my $o, '>', $out) or die "$out: $!"; print $o "task $task\n"; close($o);
            """, "{out}", "{task}", "{param:sidelog}", "{param:hold}", "{param:seconds}");
}

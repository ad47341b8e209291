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

/// <summary>
/// A test workload for checkpoints, off by default: one task that counts to N, a step a second, keeping its count in its
/// checkpoint directory; on SIGUSR1 (the time-limit warning) it notes where it stopped and exits. With a one-minute
/// limit and N above a minute's worth, it finishes only by resuming. Its output lists where each attempt stopped.
/// </summary>
public sealed partial class Pipelines
{
    [Parameter("CheckpointDemo: steps (seconds) to count (0: the target has no partitions)")]
    readonly int CheckpointDemoSteps = 0;

    Target CheckpointDemo => _ => _
        .Description("Checkpoint test workload: counts to N a second at a time and resumes after the time-limit signal (--checkpoint-demo-steps N)")
        .Partitions(() => CheckpointDemoSteps > 0 ? [Key("steps", CheckpointDemoSteps)] : [])
        .Walltime(TimeSpan.FromMinutes(1))
        .CheckpointSignal(30)
        .Output("out/checkpointdemo/{steps}.txt")
        // The script travels as a parameter: argv templates read braces as placeholders, parameter values are not read again.
        .Parameter("script", CheckpointDemoScript)
        .Executes("perl", "-e", "{param:script}", "{checkpoint}", "{out}", "{steps}");

    const string CheckpointDemoScript = """
            my ($ck, $out, $steps) = @ARGV;
            my $n = 0;
            if (open(my $r, '<', "$ck/steps.log")) { $n++ while <$r>; close($r); }
            $| = 1; print "resuming at $n\n" if $n > 0;
            my $stop = 0;
            $SIG{USR1} = sub { $stop = 1 };
            while ($n < $steps) {
                if ($stop) { open(my $e, '>>', "$ck/stops.log") or die; print $e "stopped at $n\n"; close($e); exit 3; }
                sleep 1;
                $n++;
                open(my $w, '>>', "$ck/steps.log") or die "$ck: $!"; print $w "step $n\n"; close($w);
            }
            my $stops = '';
            if (open(my $e, '<', "$ck/stops.log")) { local $/; $stops = <$e>; close($e); }
            open(my $o, '>', $out) or die "$out: $!"; print $o "counted to $n\n$stops"; close($o);
            """;
}

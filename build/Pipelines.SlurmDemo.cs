using DataBuild.Model;
using DataBuild.Parameters;

namespace DataBuild.Pipelines;

/// <summary>
/// A test workload for the Slurm executor and the fault suite, off by default (no partitions): N tasks that append a line
/// to a side log (so a test can count executions), hold some memory (to provoke an OOM kill at their --mem), sleep, and
/// write their output (in two halves with a pause between, to be killed mid-write), then append to a done log (so a test
/// can count completions). Perl, not a shell variable, holds the memory: its peak is the size asked for, so one retry
/// with twice the memory succeeds.
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

    [Parameter("SlurmDemo: absolute path of a log every execution appends its task number to once its output is written")]
    readonly string SlurmDemoDoneLog = "/dev/null";

    [Parameter("SlurmDemo: seconds a task pauses with half its output written (0: none)")]
    readonly double SlurmDemoWriteSeconds = 0;

    [Parameter("SlurmDemo: the task that hangs (sleeps a day) on its first execution, as the side log counts them (-1: none)")]
    readonly int SlurmDemoHangTask = -1;

    Target SlurmDemo => _ => _
        .Description("Slurm executor test workload: tasks that log their executions, hold memory and sleep (--slurm-demo-tasks N)")
        .Partitions(() => Enumerable.Range(0, SlurmDemoTasks).Select(i => Key("task", i)))
        .MemoryMb(_ => SlurmDemoMemoryMb)
        .Parameter("hold", SlurmDemoHoldMb)
        .Parameter("seconds", SlurmDemoSeconds)
        .Parameter("sidelog", SlurmDemoSideLog)
        .Parameter("donelog", SlurmDemoDoneLog)
        .Parameter("write", SlurmDemoWriteSeconds)
        .Parameter("hang", SlurmDemoHangTask)
        .Output("out/slurmdemo/{task}.txt")
        // The script travels as a parameter: argv templates read braces as placeholders, parameter values are not read again.
        .Parameter("script", SlurmDemoScript)
        .Executes("perl", "-e", "{param:script}", "{out}", "{task}", "{param:sidelog}", "{param:hold}", "{param:seconds}", "{param:donelog}",
            "{param:write}", "{param:hang}");

    const string SlurmDemoScript = """
            my ($out, $task, $log, $mb, $s, $done, $w, $hang) = @ARGV;
            open(my $l, '>>', $log) or die "$log: $!"; print $l "$task\n"; close($l);
            if ($task == $hang) { open(my $r, '<', $log) or die; my $n = grep { $_ eq "$task\n" } <$r>; close($r); sleep 86400 if $n == 1; }
            my $x = 'a' x ($mb * 1048576); select(undef, undef, undef, $s);
            my $text = "task $task\n" . join('', map { "line $_ of task $task\n" } 1 .. ($w > 0 ? 2000 : 0));
            my $half = int(length($text) / 2);
            open(my $o, '>', $out) or die "$out: $!"; $o->autoflush(1);
            print $o substr($text, 0, $half); select(undef, undef, undef, $w); print $o substr($text, $half); close($o) or die "$out: $!";
            open(my $d, '>>', $done) or die "$done: $!"; print $d "$task\n"; close($d);
            """;
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

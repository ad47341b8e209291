namespace DataBuild.Slurm.Tests;

/// <summary>
/// Lines captured from Slurm 22.05.8 on the local test cluster (tests/slurm/cluster.sh), gathered from several runs
/// into one fixture per format; lines Slurm prints only elsewhere (.extern steps, compressed squeue records) are marked.
/// </summary>
internal static class Recorded
{
    /// <summary>squeue --array --states=all --noheader --Format=SqueueFormat.Fields, mid-run, cgroup memory limits.</summary>
    public const string Squeue = """
        2_3|2|CANCELLED|0|0:00||Resources|
        2_2|9|CANCELLED|15|0:14|vm|None|
        1_0|3|COMPLETED|0|0:00|vm|None|
        1_4|1|FAILED|9|0:00|vm|JobLaunchFailure|
        1_1|4|FAILED|768|0:00|vm|NonZeroExitCode|
        10_2|13|OUT_OF_MEMORY|253|0:01|vm|OutOfMemory|
        1_3|6|TIMEOUT|15|1:21|vm|TimeLimit|
        10_3|14|RUNNING|0|0:09|vm|None|
        17|17|COMPLETED|0|0:00|vm|None|
        2_5|2|PENDING|0|0:00||JobArrayTaskLimit|

        """;

    /// <summary>squeue without --array prints pending tasks compressed, throttle included (captured without --array).</summary>
    public const string SqueueCompressed = """
        2_[4-10%2]|2|PENDING|0|0:00||Resources|
        """;

    /// <summary>sacct --parsable2 --noheader --format=SacctFormat.Fields; cgroup memory limits.</summary>
    public const string SacctCgroup = """
        10_0|11|COMPLETED|0:0|00:00:00||200M|00:01:00|vm
        10_0.batch|11.batch|COMPLETED|0:0|00:00:00|1232K|||vm
        10_1|12|FAILED|3:0|00:00:00||200M|00:01:00|vm
        10_1.batch|12.batch|FAILED|3:0|00:00:00|3104K|||vm
        10_2|13|OUT_OF_MEMORY|0:125|00:00:01||200M|00:01:00|vm
        10_2.batch|13.batch|OUT_OF_MEMORY|0:125|00:00:01|3348K|||vm
        10_3|14|TIMEOUT|0:0|00:01:26||200M|00:01:00|vm
        10_3.batch|14.batch|CANCELLED|0:15|00:01:26|4744K|||vm
        10_4|10|FAILED|0:9|00:00:00||200M|00:01:00|vm
        10_4.batch|10.batch|CANCELLED|0:9|00:00:00|1236K|||vm
        """;

    /// <summary>The same script under JobAcctGatherParams=OverMemoryKill: task 2 was the memory kill, task 4 `kill -9 $$`.</summary>
    public const string SacctOverMemoryKill = """
        1_2|5|FAILED|0:9|00:00:01||200M|00:01:00|vm
        1_2.batch|5.batch|CANCELLED by 0|0:9|00:00:01|371232K|||vm
        1_4|1|FAILED|0:9|00:00:00||200M|00:01:00|vm
        1_4.batch|1.batch|CANCELLED|0:9|00:00:00||||vm
        """;

    /// <summary>A cancelled array: one task ran, the rest were pending (sacct keeps them compressed). The .extern line is
    /// what clusters with PrologFlags=Contain add; this test cluster has none.</summary>
    public const string SacctCancelled = """
        2_2|9|CANCELLED by 0|0:0|00:00:14||100M|UNLIMITED|vm
        2_2.batch|9.batch|CANCELLED|0:15|00:00:14|3212K|||vm
        2_2.extern|9.extern|COMPLETED|0:0|00:00:14|1040K|||vm
        2_[3-9%2]|2|CANCELLED by 0|0:0|00:00:00||100M|UNLIMITED|None assigned
        """;

    /// <summary>An excerpt of scontrol show config.</summary>
    public const string ScontrolConfig = """
        Configuration data as of 2026-11-21T09:18:18
        AccountingStorageBackupHost = (null)
        AccountingStorageType   = accounting_storage/slurmdbd
        ClusterName             = local
        JobAcctGatherParams     = OverMemoryKill
        MaxArraySize            = 100001
        MaxJobCount             = 200000
        MinJobAge               = 300 sec
        SLURM_VERSION           = 22.05.8

        Cgroup Support Configuration:
        CgroupMountpoint        = /sys/fs/cgroup
        """;
}

using DataBuild.Slurm;

namespace DataBuild.Slurm.Tests.Parsing;

public sealed class LimitsParserTests
{
    [Fact]
    public void Partition_lines_give_the_default_partition_MaxTime_and_memory_limits_in_bytes()
    {
        const string output =
            "PartitionName=debug AllowGroups=ALL Default=YES QoS=N/A DefaultTime=NONE MaxNodes=UNLIMITED MaxTime=00:30:00 MinNodes=0 " +
            "Nodes=vm State=UP DefMemPerNode=UNLIMITED MaxMemPerNode=4000 TRES=cpu=2,mem=21695M,node=1,billing=2\n" +
            "PartitionName=long AllowGroups=ALL Default=NO MaxTime=2-00:00:00 State=UP DefMemPerCPU=1000 MaxMemPerCPU=2000\n" +
            "PartitionName=any Default=NO MaxTime=UNLIMITED MaxMemPerNode=UNLIMITED\n";

        var partitions = LimitsParser.ParsePartitions(output);

        Assert.Equal(
            [
                new PartitionLimits("debug", true, TimeSpan.FromMinutes(30), 4000 * SlurmMemory.MiB, null),
                new PartitionLimits("long", false, TimeSpan.FromDays(2), null, 2000 * SlurmMemory.MiB),
                new PartitionLimits("any", false, null, null, null),
            ],
            partitions);
    }

    [Fact]
    public void QoS_lines_give_each_MaxWall_or_none()
    {
        Assert.Equal([new QosLimits("normal", null), new QosLimits("short", TimeSpan.FromHours(1))], LimitsParser.ParseQos("normal|\nshort|01:00:00\n"));
    }
}

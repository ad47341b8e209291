namespace DataBuild.Slurm.Tests;

public class SlurmConfigTests
{
    [Fact]
    public void Reads_limits_from_scontrol_show_config()
    {
        var config = ScontrolConfigParser.Parse(Recorded.ScontrolConfig);

        Assert.Equal(100001, config.MaxArraySize);
        Assert.Equal(200000, config.MaxJobCount);
        Assert.Equal(300, config.MinJobAge);
        Assert.Equal("local", config.ClusterName);
        Assert.Equal("22.05.8", config.SlurmVersion);
        Assert.True(config.AccountingConfigured);
        Assert.True(config.OverMemoryKill);
        Assert.Equal("/sys/fs/cgroup", config.Get("CgroupMountpoint"));
    }

    [Fact]
    public void Uses_slurm_defaults_for_missing_limits_and_null_values()
    {
        var config = ScontrolConfigParser.Parse("AccountingStorageType = accounting_storage/none\nJobAcctGatherParams = (null)\n");

        Assert.Equal(1001, config.MaxArraySize);
        Assert.Equal(10000, config.MaxJobCount);
        Assert.False(config.AccountingConfigured);
        Assert.False(config.OverMemoryKill);
    }
}

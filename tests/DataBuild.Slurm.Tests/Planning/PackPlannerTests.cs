namespace DataBuild.Slurm.Tests;

public class PackPlannerTests
{
    [Fact]
    public void Honours_an_explicit_pack()
    {
        var plan = PackPlanner.Plan(200, explicitPack: 50);

        Assert.Equal(50, plan.ItemsPerTask);
        Assert.Equal(4, plan.ArrayTasks);
        Assert.Equal("--pack 50", plan.Reason);
    }

    [Fact]
    public void Packs_tiny_nodes_into_a_few_minutes_of_work_from_history()
    {
        var plan = PackPlanner.Plan(1000, recordedWallTimes: [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)]);

        Assert.Equal(150, plan.ItemsPerTask); // 5 min / 2 s
        Assert.Equal(7, plan.ArrayTasks);
        Assert.Contains("2 recorded build(s), mean 2 s", plan.Reason);
    }

    [Fact]
    public void Runs_long_nodes_one_per_array_task() =>
        Assert.Equal(1, PackPlanner.Plan(10, recordedWallTimes: [TimeSpan.FromHours(1)]).ItemsPerTask);

    [Fact]
    public void Packs_more_when_the_allocation_runs_several_at_once() =>
        Assert.Equal(40, PackPlanner.Plan(1000, parallelism: 4).ItemsPerTask); // 4 x 5 min / 30 s

    [Fact]
    public void Assumes_thirty_seconds_a_node_without_history()
    {
        var plan = PackPlanner.Plan(100);

        Assert.Equal(10, plan.ItemsPerTask);
        Assert.Contains("no history", plan.Reason);
    }

    [Fact]
    public void Never_packs_more_than_there_is() => Assert.Equal(3, PackPlanner.Plan(3, explicitPack: 50).ItemsPerTask);

    [Fact]
    public void Caps_packs_of_instant_nodes() =>
        Assert.Equal(PackPlanner.MaxItemsPerTask, PackPlanner.Plan(100000, recordedWallTimes: [TimeSpan.FromMilliseconds(1)]).ItemsPerTask);

    [Fact]
    public void Refuses_a_pack_of_zero() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PackPlanner.Plan(10, explicitPack: 0));
}

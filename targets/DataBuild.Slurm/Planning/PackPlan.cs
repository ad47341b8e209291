namespace DataBuild.Slurm;

/// <summary>How many build nodes each array task runs, how many array tasks that makes, and why.</summary>
public sealed record PackPlan(int ItemsPerTask, int ArrayTasks, string Reason);

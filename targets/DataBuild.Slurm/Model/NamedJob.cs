namespace DataBuild.Slurm;

/// <summary>A job found by its name (an array once, whatever its number of tasks): how a driver finds a job whose id it never recorded.</summary>
public sealed record NamedJob(string Name, long JobId);

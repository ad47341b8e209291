namespace DataBuild.Slurm;

/// <summary>A Slurm command is not on PATH: Slurm is not installed here, or this is not a login node.</summary>
public sealed class SlurmCommandNotFoundException(string program, Exception? inner = null)
    : Exception($"{program} not found: is Slurm installed? For a local test cluster run tests/slurm/cluster.sh start.", inner)
{
    public string Program { get; } = program;
}

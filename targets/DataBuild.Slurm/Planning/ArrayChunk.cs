namespace DataBuild.Slurm;

/// <summary>
/// One job array's share of the work: array tasks (packs) <see cref="FirstTask"/> onwards, submitted with
/// indices 0..<see cref="Count"/>-1 so every chunk stays below MaxArraySize whatever its position.
/// </summary>
public sealed record ArrayChunk(int FirstTask, int Count)
{
    public int LastIndex => Count - 1;
}

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>
/// The per-CCD measurements of one brick's catalog, saved in a directory that outlives a stopped attempt (a node's
/// checkpoint directory), with a progress log (<c>progress.log</c>, one line per CCD and attempt) to see what was resumed.
/// </summary>
public sealed class CatalogCheckpoint(string directory)
{
    // The measurements are stored as raw doubles, so that a resumed catalog is bit for bit the uninterrupted one.
    private const int FormatVersion = 1;

    public string Directory { get; } = directory;

    public string ProgressLog => Path.Combine(Directory, "progress.log");

    /// <summary>Raised with each progress line once it is in the log (and the CCD's measurements saved).</summary>
    public event Action<string>? Progress;

    internal IReadOnlyList<BrickCatalogBuilder.Measurement>? TryRead(int exposure, int ccd)
    {
        var path = PathOf(exposure, ccd);
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != FormatVersion) return null;
        var count = reader.ReadInt32();
        var measurements = new List<BrickCatalogBuilder.Measurement>(count);
        for (var i = 0; i < count; i++)
            measurements.Add(new BrickCatalogBuilder.Measurement(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(),
                reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble()));
        return measurements;
    }

    internal void Save(int exposure, int ccd, IReadOnlyList<BrickCatalogBuilder.Measurement> measurements)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(exposure, ccd);
        // Written aside and renamed: a kill mid-write leaves no half file that a later attempt would take as done.
        var partial = path + ".partial";
        using (var writer = new BinaryWriter(File.Create(partial)))
        {
            writer.Write(FormatVersion);
            writer.Write(measurements.Count);
            foreach (var m in measurements)
            {
                writer.Write(m.Ra); writer.Write(m.Dec); writer.Write(m.Flux); writer.Write(m.Ivar); writer.Write(m.SignalToNoise);
                writer.Write(m.ExposureId); writer.Write(m.Ccd); writer.Write(m.X); writer.Write(m.Y);
            }
        }
        File.Move(partial, path, overwrite: true);
    }

    internal void Note(string line)
    {
        System.IO.Directory.CreateDirectory(Directory);
        File.AppendAllText(ProgressLog, line + "\n");
        Progress?.Invoke(line);
    }

    private string PathOf(int exposure, int ccd) => Path.Combine(Directory, $"exposure={exposure}_ccd={ccd}.measurements");
}

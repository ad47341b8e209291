using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace DataBuild.Tasks.LegacySurvey;

/// <summary>
/// The per-CCD measurements of one brick's catalog, saved in a directory that outlives a stopped attempt (a node's
/// checkpoint directory), with a progress log (<c>progress.log</c>, one line per CCD and attempt) to see what was resumed.
/// </summary>
public sealed class CatalogCheckpoint(string directory)
{
    // The measurements are stored as raw doubles, so that a resumed catalog is bit for bit the uninterrupted one.
    private const int FormatVersion = 2;

    public string Directory { get; } = directory;

    public string ProgressLog => Path.Combine(Directory, "progress.log");

    /// <summary>Raised with each progress line once it is in the log (and the CCD's measurements saved).</summary>
    public event Action<string>? Progress;

    /// <summary>
    /// What a CCD's measurements follow from: its pixels, WCS, calibration and zeropoint, the brick and the options. A
    /// checkpoint left by an attempt on other inputs (the node's directory outlives a change upstream) is measured again.
    /// </summary>
    internal static byte[] Fingerprint(Brick brick, CalibratedCcd ccd, CatalogOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(ccd.Image.Pixels.AsSpan()));
        var c = ccd.Calibration;
        var w = ccd.Image.Wcs;
        Span<double> numbers = [ccd.Zeropoint, c.Sky, c.SkySigma, c.FwhmPixels, w.CrVal1, w.CrVal2, w.CrPix1, w.CrPix2, w.Cd11, w.Cd12, w.Cd21, w.Cd22];
        hash.AppendData(MemoryMarshal.AsBytes(numbers));
        // Records print every field; a different culture only makes the text differ, which measures again (never reuses wrongly).
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{brick}\n{options}\n{ccd.Image.Width}x{ccd.Image.Height}"));
        return hash.GetHashAndReset();
    }

    internal IReadOnlyList<BrickCatalogBuilder.Measurement>? TryRead(int exposure, int ccd, byte[] fingerprint)
    {
        var path = PathOf(exposure, ccd);
        if (!File.Exists(path)) return null;
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != FormatVersion || !reader.ReadBytes(fingerprint.Length).AsSpan().SequenceEqual(fingerprint)) return null;
        var count = reader.ReadInt32();
        var measurements = new List<BrickCatalogBuilder.Measurement>(count);
        for (var i = 0; i < count; i++)
            measurements.Add(new BrickCatalogBuilder.Measurement(reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(),
                reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadDouble(), reader.ReadDouble()));
        return measurements;
    }

    internal void Save(int exposure, int ccd, byte[] fingerprint, IReadOnlyList<BrickCatalogBuilder.Measurement> measurements)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathOf(exposure, ccd);
        // Written aside and renamed: a kill mid-write leaves no half file that a later attempt would take as done.
        var partial = path + ".partial";
        using (var writer = new BinaryWriter(File.Create(partial)))
        {
            writer.Write(FormatVersion);
            writer.Write(fingerprint);
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

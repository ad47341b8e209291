using DataBuild.Tasks.LegacySurvey;
using Xunit;

namespace DataBuild.Tasks.Tests.LegacySurvey;

public sealed class CatalogCheckpointTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("catalog-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (Brick Brick, List<CalibratedCcd> Ccds) BrickWithMostCcds() =>
        Survey.Calibrated.SelectMany(c => BrickGrid.Touching(c.Image)).DistinctBy(b => b.Name)
            .Select(b => (Brick: b, Ccds: Survey.Calibrated.Where(c => BrickGrid.Touching(c.Image).Contains(b)).ToList()))
            .OrderByDescending(b => b.Ccds.Count).ThenBy(b => b.Brick.Name, StringComparer.Ordinal).First();

    /// <summary>A checkpoint holding what an attempt stopped after <paramref name="done"/> CCDs had saved.</summary>
    private CatalogCheckpoint StoppedAfter(int done, Brick brick, List<CalibratedCcd> ccds)
    {
        var full = new CatalogCheckpoint(Path.Combine(_root, "full"));
        BrickCatalogBuilder.Build(brick, ccds, checkpoint: full);
        var stopped = new CatalogCheckpoint(Path.Combine(_root, "stopped"));
        Directory.CreateDirectory(stopped.Directory);
        foreach (var ccd in ccds.Take(done))
        {
            var name = $"exposure={ccd.Image.ExposureId}_ccd={ccd.Image.Ccd}.measurements";
            File.Copy(Path.Combine(full.Directory, name), Path.Combine(stopped.Directory, name));
        }
        return stopped;
    }

    [Fact]
    public void A_resumed_catalog_reads_the_saved_CCDs_measures_only_the_rest_and_equals_the_uninterrupted_one()
    {
        var (brick, ccds) = BrickWithMostCcds();
        Assert.True(ccds.Count >= 3, $"brick {brick.Name} has {ccds.Count} CCDs; the test needs 3");
        var uninterrupted = BrickCatalogBuilder.Build(brick, ccds);
        var checkpoint = StoppedAfter(2, brick, ccds);

        var resumed = BrickCatalogBuilder.Build(brick, ccds, checkpoint: checkpoint);

        Assert.Equal(uninterrupted, resumed);
        var log = File.ReadAllLines(checkpoint.ProgressLog);
        Assert.Equal(ccds.Count, log.Length);
        Assert.All(log.Take(2), l => Assert.EndsWith("read from the checkpoint", l));
        Assert.All(log.Skip(2), l => Assert.EndsWith(" measured", l));
        Assert.StartsWith($"3 of {ccds.Count}: exposure {ccds[2].Image.ExposureId} ccd {ccds[2].Image.Ccd}", log[2]);
    }

    [Fact]
    public void A_stop_request_ends_the_catalog_before_the_next_CCD_it_would_measure_and_keeps_what_was_saved()
    {
        var (brick, ccds) = BrickWithMostCcds();
        var checkpoint = StoppedAfter(2, brick, ccds);

        Assert.Throws<OperationCanceledException>(() => BrickCatalogBuilder.Build(brick, ccds, checkpoint: checkpoint, stop: new CancellationToken(canceled: true)));

        Assert.Equal([$"1 of {ccds.Count}", $"2 of {ccds.Count}"], File.ReadAllLines(checkpoint.ProgressLog).Select(l => l[..l.IndexOf(':')]));
        Assert.Equal(2, Directory.GetFiles(checkpoint.Directory, "*.measurements").Length);
    }

    [Fact]
    public void Measurements_saved_from_other_inputs_are_measured_again_and_the_rest_read_back()
    {
        var (brick, ccds) = BrickWithMostCcds();
        var checkpoint = StoppedAfter(2, brick, ccds);
        // The first CCD's zeropoint changed upstream since the stopped attempt saved its measurements.
        var changed = ccds.Select((c, i) => i == 0 ? c with { Zeropoint = c.Zeropoint + 0.1 } : c).ToList();

        var resumed = BrickCatalogBuilder.Build(brick, changed, checkpoint: checkpoint);

        Assert.Equal(BrickCatalogBuilder.Build(brick, changed), resumed);
        var log = File.ReadAllLines(checkpoint.ProgressLog);
        Assert.EndsWith(" measured", log[0]);
        Assert.EndsWith("read from the checkpoint", log[1]);
    }
}

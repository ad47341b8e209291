namespace DataBuild.Tasks.LegacySurvey;

/// <summary>
/// One row of a brick catalog (a Legacy Survey "tractor" file, much simplified). Flux is in nanomaggies
/// (mag = 22.5 − 2.5·log10 Flux), the inverse-variance-weighted mean over the CCDs that saw the source;
/// FluxIvar its inverse variance; Mag is NaN when the flux is not positive; NObs how many CCD measurements merged.
/// </summary>
public sealed record BrickSource(string BrickName, int ObjId, double Ra, double Dec, double Flux, double FluxIvar, double Mag, int NObs);

/// <summary>A CCD with everything the catalog step needs: pixels, calibration and its exposure's zeropoint.</summary>
public sealed record CalibratedCcd(CcdImage Image, CcdCalibration Calibration, double Zeropoint);

public sealed record CatalogOptions
{
    /// <summary>Measurements from different CCDs closer than this are one source.</summary>
    public double DuplicateRadiusArcsec { get; init; } = 6;
    public DetectionOptions Detection { get; init; } = new();
}

/// <summary>
/// The per-brick catalog step: detect and measure on every CCD that touches the brick, keep detections whose
/// position lies inside the brick (so neighbouring bricks never share a source), convert to nanomaggies with each
/// exposure's zeropoint, and merge repeat measurements of one source. Rows come out sorted by (Dec, RA), ObjId = row number.
/// </summary>
public static class BrickCatalogBuilder
{
    internal sealed record Measurement(double Ra, double Dec, double Flux, double Ivar, double SignalToNoise, int ExposureId, int Ccd, double X, double Y);

    /// <summary>
    /// The catalog of <paramref name="brick"/>. With a <paramref name="checkpoint"/>, each CCD's measurements are saved as
    /// it finishes and CCDs saved by an earlier attempt are read back instead of measured again; <paramref name="stop"/> is
    /// checked between CCDs (a time-limit warning), so a stopped attempt loses at most the CCD it was measuring.
    /// The result is the same, bit for bit, however many attempts it took.
    /// </summary>
    public static IReadOnlyList<BrickSource> Build(Brick brick, IReadOnlyList<CalibratedCcd> ccds, CatalogOptions? options = null,
        CatalogCheckpoint? checkpoint = null, CancellationToken stop = default)
    {
        options ??= new CatalogOptions();
        var measurements = new List<Measurement>();
        for (var i = 0; i < ccds.Count; i++)
        {
            var ccd = ccds[i];
            var fingerprint = checkpoint is null ? [] : CatalogCheckpoint.Fingerprint(brick, ccd, options);
            if (checkpoint?.TryRead(ccd.Image.ExposureId, ccd.Image.Ccd, fingerprint) is { } saved)
            {
                measurements.AddRange(saved);
                checkpoint.Note($"{i + 1} of {ccds.Count}: exposure {ccd.Image.ExposureId} ccd {ccd.Image.Ccd} read from the checkpoint");
                continue;
            }
            stop.ThrowIfCancellationRequested();
            var measured = Measure(brick, ccd, options);
            measurements.AddRange(measured);
            checkpoint?.Save(ccd.Image.ExposureId, ccd.Image.Ccd, fingerprint, measured);
            checkpoint?.Note($"{i + 1} of {ccds.Count}: exposure {ccd.Image.ExposureId} ccd {ccd.Image.Ccd} measured");
        }

        // Greedy grouping, strongest measurement first; the tie-breakers make the order total, hence deterministic.
        var ordered = measurements
            .OrderByDescending(m => m.SignalToNoise).ThenBy(m => m.ExposureId).ThenBy(m => m.Ccd).ThenBy(m => m.Y).ThenBy(m => m.X)
            .ToList();
        var groups = new List<List<Measurement>>();
        foreach (var m in ordered)
        {
            var home = groups.FirstOrDefault(g =>
                SkyMath.SeparationDeg(g[0].Ra, g[0].Dec, m.Ra, m.Dec) * SkyMath.ArcsecPerDeg < options.DuplicateRadiusArcsec);
            if (home is null) groups.Add([m]); else home.Add(m);
        }

        return groups
            .Select(g => Merge(brick.Name, g))
            .OrderBy(s => s.Dec).ThenBy(s => s.Ra)
            .Select((s, i) => s with { ObjId = i })
            .ToList();
    }

    private static List<Measurement> Measure(Brick brick, CalibratedCcd ccd, CatalogOptions options)
    {
        var measurements = new List<Measurement>();
        // Counts → nanomaggies: the zeropoint maps counts to mag, 22.5 is the nanomaggie zeropoint.
        var toNanomaggies = Math.Pow(10, -0.4 * (ccd.Zeropoint - 22.5));
        foreach (var d in SourceDetector.Detect(ccd.Image, ccd.Calibration.Sky, ccd.Calibration.SkySigma, options.Detection))
        {
            var (ra, dec) = ccd.Image.Wcs.PixelToSky(d.X, d.Y);
            if (!brick.Contains(ra, dec) || d.FluxError <= 0) continue;
            var error = d.FluxError * toNanomaggies;
            measurements.Add(new Measurement(ra, dec, d.Flux * toNanomaggies, 1 / (error * error), d.SignalToNoise, ccd.Image.ExposureId, ccd.Image.Ccd, d.X, d.Y));
        }
        return measurements;
    }

    /// <summary>Position of the strongest measurement; flux the inverse-variance-weighted mean of all.</summary>
    private static BrickSource Merge(string brickName, List<Measurement> group)
    {
        double ivar = 0, weighted = 0;
        foreach (var m in group) { ivar += m.Ivar; weighted += m.Ivar * m.Flux; }
        var flux = weighted / ivar;
        var mag = flux > 0 ? 22.5 - 2.5 * Math.Log10(flux) : double.NaN;
        return new BrickSource(brickName, 0, group[0].Ra, group[0].Dec, flux, ivar, mag, group.Count);
    }
}

namespace DataBuild.Tasks.Ztf;

/// <summary>
/// One source's photometry: epochs as parallel arrays (MJD, magnitude, magnitude error), sorted by time.
/// In Parquet this is either one row per epoch (source_id, mjd, mag, magerr) or a list column per array.
/// </summary>
public sealed record LightCurve(long SourceId, double Ra, double Dec, double[] Mjd, double[] Mag, double[] MagErr)
{
    public int Count => Mjd.Length;
}

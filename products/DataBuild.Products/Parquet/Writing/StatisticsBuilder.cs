using DataBuild.Products.Parquet.Format;

namespace DataBuild.Products.Parquet.Writing;

/// <summary>Column chunk statistics: null count always, min and max over orderable (non-NaN) values.</summary>
internal static class StatisticsBuilder
{
    public static Statistics Build<T>(IPhysical<T> physical, T[] present, long nullCount) where T : notnull
    {
        var stats = new Statistics { NullCount = nullCount };
        bool any = false;
        T min = default!, max = default!;
        foreach (var value in present)
        {
            if (!physical.Orderable(value))
                continue;
            if (!any)
            {
                min = max = value;
                any = true;
            }
            else if (physical.Compare(value, min) < 0)
                min = value;
            else if (physical.Compare(value, max) > 0)
                max = value;
        }
        if (any)
        {
            stats.MinValue = physical.StatisticsBytes(min, isMin: true);
            stats.MaxValue = physical.StatisticsBytes(max, isMin: false);
        }
        return stats;
    }
}

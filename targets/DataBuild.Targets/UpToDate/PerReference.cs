namespace DataBuild.UpToDate;

/// <summary>
/// A value per object, by reference (a target's or an input's declaration), made once and then read from many threads
/// without a lock. A concurrent dictionary over such keys asks for the key type's default comparer, which the runtime
/// makes by reflection at every start (bench/README.md, round 16); values are added rarely (once per declaration), so
/// an add copies the table and readers never wait.
/// </summary>
internal sealed class PerReference<TKey, TValue> where TKey : class
{
    private Dictionary<TKey, TValue> _values = new(ReferenceEqualityComparer.Instance);
    private readonly object _adding = new();

    /// <summary>The value of <paramref name="key"/>, made by <paramref name="make"/> the first time (perhaps twice at once; one is kept).</summary>
    public TValue Get(TKey key, Func<TKey, TValue> make)
    {
        if (Volatile.Read(ref _values).TryGetValue(key, out var known)) return known;
        var made = make(key);
        lock (_adding)
        {
            if (_values.TryGetValue(key, out known)) return known;
            var copy = new Dictionary<TKey, TValue>(_values, ReferenceEqualityComparer.Instance) { [key] = made };
            Volatile.Write(ref _values, copy);
            return made;
        }
    }
}

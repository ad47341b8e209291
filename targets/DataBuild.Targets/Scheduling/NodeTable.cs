namespace DataBuild.Scheduling;

/// <summary>A value per node, by node index, null where a node has none: grows as nodes are made.</summary>
internal sealed class NodeTable<T> where T : class
{
    private readonly List<T?> _values = [];

    /// <summary>Every node's value so far, by index (shorter than the node list where the last nodes have none).</summary>
    public IReadOnlyList<T?> Values => _values;

    public T? this[int index]
    {
        get => index < _values.Count ? _values[index] : null;
        set
        {
            if (_values.Count <= index)
            {
                _values.EnsureCapacity(index + 1); // once, not a doubling at a time up to a node at the end of a large build
                while (_values.Count <= index) _values.Add(null);
            }
            _values[index] = value;
        }
    }
}

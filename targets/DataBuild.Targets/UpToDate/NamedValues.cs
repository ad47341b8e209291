using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace DataBuild.UpToDate;

/// <summary>
/// A node's few named values (its input paths, its parameters' text) in declaration order, read-only. The names are
/// one array shared by every node of a target; each node has only its values: a planned million nodes do not each
/// carry hash tables of two or three entries.
/// </summary>
internal sealed class NamedValues<T>(string[] names, T[] values) : IReadOnlyDictionary<string, T>
{
    public static readonly NamedValues<T> Empty = new([], []);

    /// <summary>Sets the value of the name at <paramref name="slot"/>, while the node's signature is built.</summary>
    public void Set(int slot, T value) => values[slot] = value;

    public T this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No value named '{key}'.");

    public IEnumerable<string> Keys => names;

    public IEnumerable<T> Values => values;

    public int Count => names.Length;

    public bool ContainsKey(string key) => Array.IndexOf(names, key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out T value)
    {
        var i = Array.IndexOf(names, key);
        value = i >= 0 ? values[i] : default;
        return i >= 0;
    }

    public IEnumerator<KeyValuePair<string, T>> GetEnumerator()
    {
        for (var i = 0; i < names.Length; i++) yield return new(names[i], values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

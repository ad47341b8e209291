using System.Globalization;

namespace DataBuild.Model;

/// <summary>
/// Names one partition of a target, e.g. <c>field=296,ccd=3,quad=2</c>. Dimensions keep their declared order,
/// which is also the order used in paths and node names. Values become path segments, so they are validated.
/// </summary>
public sealed class PartitionKey : IEquatable<PartitionKey>
{
    public static readonly PartitionKey None = new(new Dim[0]); // not [], which is Array.Empty<Dim>: compiled at run time

    // Our own pair, not KeyValuePair, and no framework generic over it (List<Dim>, Select over Dim[]): those are
    // compiled at run time at every start, and pipeline code makes a key per partition.
    private readonly record struct Dim(string Name, string Value);

    private readonly Dim[] _dims;
    private readonly string _text;

    private PartitionKey(Dim[] dims)
    {
        _dims = dims;
        _text = Format(dims);
    }

    // Flat overloads, not a params array or tuples: a fan-out makes one key per partition (bench/README.md, round 6).
    /// <summary>
    /// A key of one to three numbers, texts or characters, as pipeline code writes it: <c>Of("field", 296, "ccd", "03")</c>.
    /// </summary>
    public static PartitionKey Of(string name, PartitionValue value)
    {
        var numbers = 0;
        return Validated([Make(name, value, 0, ref numbers)], numbers);
    }

    public static PartitionKey Of(string name1, PartitionValue value1, string name2, PartitionValue value2)
    {
        var numbers = 0;
        return Validated([Make(name1, value1, 0, ref numbers), Make(name2, value2, 1, ref numbers)], numbers);
    }

    public static PartitionKey Of(string name1, PartitionValue value1, string name2, PartitionValue value2, string name3, PartitionValue value3)
    {
        var numbers = 0;
        return Validated([Make(name1, value1, 0, ref numbers), Make(name2, value2, 1, ref numbers), Make(name3, value3, 2, ref numbers)], numbers);
    }

    private static Dim Make(string name, PartitionValue value, int i, ref int numbers)
    {
        if (value.IsNumber) numbers |= 1 << i; // bit i: value i is a formatted integer, which is a safe value by construction
        return new Dim(name, value.ToText(name));
    }

    /// <summary>A key of any values (enums, floating point, ...): each formatted with the invariant culture.</summary>
    public static PartitionKey Of(params (string Name, object Value)[] dims)
    {
        if (dims.Length == 0) return None;
        var array = new Dim[dims.Length];
        var numbers = 0;
        for (var i = 0; i < array.Length; i++)
        {
            var value = dims[i].Value;
            if (value is int or long && i < 32) numbers |= 1 << i;
            array[i] = new(dims[i].Name, ToText(value));
        }
        return Validated(array, numbers);
    }

    public static PartitionKey Of(string name, object value) => Of((name, value));

    public static PartitionKey Create(IEnumerable<KeyValuePair<string, string>> dims)
    {
        var pairs = dims.ToArray();
        var array = new Dim[pairs.Length];
        for (var i = 0; i < pairs.Length; i++) array[i] = new(pairs[i].Key, pairs[i].Value);
        return Validated(array, 0);
    }

    private static PartitionKey Validated(Dim[] array, int numbers)
    {
        if (array.Length == 0) return None;
        for (var i = 0; i < array.Length; i++)
        {
            var (name, value) = (array[i].Name, array[i].Value);
            ValidateName(name);
            if (i >= 32 || (numbers & (1 << i)) == 0) ValidateValue(name, value);
            for (var j = 0; j < i; j++)
                if (ReferenceEquals(array[j].Name, name) || array[j].Name == name)
                    throw new ArgumentException($"Partition dimension '{name}' appears twice in {Format(array)}.");
        }
        return new PartitionKey(array);
    }

    /// <summary>Parses <c>field=296,ccd=3</c> (the form printed in node names); an empty string is <see cref="None"/>.</summary>
    public static PartitionKey Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return None;
        var dims = new List<KeyValuePair<string, string>>();
        foreach (var part in text.Split(','))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0)
                throw new FormatException($"Expected name=value in partition '{text}', got '{part}'.");
            dims.Add(new(part[..eq].Trim(), part[(eq + 1)..].Trim()));
        }
        return Create(dims);
    }

    public int Count => _dims.Length;

    /// <summary>The dimensions as name/value pairs, in order (a copy).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Dimensions
    {
        get
        {
            var pairs = new KeyValuePair<string, string>[_dims.Length];
            for (var i = 0; i < _dims.Length; i++) pairs[i] = new(_dims[i].Name, _dims[i].Value);
            return pairs;
        }
    }

    public IEnumerable<string> Names
    {
        get
        {
            var names = new string[_dims.Length];
            for (var i = 0; i < _dims.Length; i++) names[i] = _dims[i].Name;
            return names;
        }
    }

    public bool Has(string name) => IndexOf(name) >= 0;

    /// <summary>True when the dimensions are exactly <paramref name="names"/>, in that order.</summary>
    public bool HasNames(IReadOnlyList<string> names)
    {
        if (names.Count != _dims.Length) return false;
        for (var i = 0; i < _dims.Length; i++)
            if (_dims[i].Name != names[i]) return false;
        return true;
    }

    public string this[string name]
    {
        get
        {
            var i = IndexOf(name);
            return i >= 0 ? _dims[i].Value
                : throw new KeyNotFoundException($"Partition {this} has no dimension '{name}'. It has: {string.Join(", ", Names)}.");
        }
    }

    public bool TryGet(ReadOnlySpan<char> name, out string value)
    {
        var i = IndexOf(name);
        value = i >= 0 ? _dims[i].Value : "";
        return i >= 0;
    }

    /// <summary>The key restricted to <paramref name="names"/>, in that order. Used to join partitions on shared dimensions.</summary>
    public PartitionKey Project(IReadOnlyList<string> names)
    {
        if (names.Count == 0) return None;
        var dims = new Dim[names.Count];
        for (var i = 0; i < names.Count; i++) dims[i] = new(names[i], this[names[i]]);
        return new PartitionKey(dims);
    }

    /// <summary>True when this key and <paramref name="other"/> have the same values of <paramref name="names"/>.</summary>
    public bool AgreesOn(IReadOnlyList<string> names, PartitionKey other)
    {
        for (var i = 0; i < names.Count; i++)
            if (this[names[i]] != other[names[i]]) return false;
        return true;
    }

    /// <summary>This key followed by the dimensions of <paramref name="other"/> it does not already have.</summary>
    public PartitionKey With(PartitionKey other)
    {
        if (other.Count == 0) return this;
        if (Count == 0) return other;
        var dims = new Dim[_dims.Length + other._dims.Length];
        _dims.CopyTo(dims, 0);
        var count = _dims.Length;
        foreach (var d in other._dims)
        {
            var i = IndexOf(d.Name);
            if (i < 0) dims[count++] = d;
            else if (dims[i].Value != d.Value)
                throw new ArgumentException($"Partitions {this} and {other} disagree on '{d.Name}'.");
        }
        if (count < dims.Length) Array.Resize(ref dims, count);
        return new PartitionKey(dims);
    }

    /// <summary>True when every dimension of <paramref name="filter"/> that this key has, has the same value.</summary>
    public bool Matches(PartitionKey filter)
    {
        foreach (var d in filter._dims)
            if (TryGet(d.Name, out var v) && v != d.Value) return false;
        return true;
    }

    private int IndexOf(ReadOnlySpan<char> name)
    {
        for (var i = 0; i < _dims.Length; i++)
            if (name.SequenceEqual(_dims[i].Name)) return i;
        return -1;
    }

    /// <summary>A file name for logs and staging: the key itself, or <c>_</c> for the unpartitioned target.</summary>
    public string FileName => _dims.Length == 0 ? "_" : _text;

    public override string ToString() => _text;

    public bool Equals(PartitionKey? other) => other is not null && _text == other._text;

    public override bool Equals(object? obj) => obj is PartitionKey other && Equals(other);

    public override int GetHashCode() => _text.GetHashCode();

    internal static string ToText(object value) => value switch
    {
        string s => s,
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // name=value,name=value in one allocation, by a loop of our own: pipeline code makes a key per partition.
    private static string Format(Dim[] dims)
    {
        if (dims.Length == 0) return "";
        var length = dims.Length * 2 - 1;
        foreach (var d in dims) length += d.Name.Length + d.Value.Length;
        Span<char> text = length <= 256 ? stackalloc char[length] : new char[length];
        var at = 0;
        for (var i = 0; i < dims.Length; i++)
        {
            if (i > 0) text[at++] = ',';
            dims[i].Name.CopyTo(text[at..]);
            at += dims[i].Name.Length;
            text[at++] = '=';
            dims[i].Value.CopyTo(text[at..]);
            at += dims[i].Value.Length;
        }
        return new string(text);
    }

    private static bool IsLetterOrDigit(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || (uint)(c - '0') <= 9;

    private static void ValidateName(string name)
    {
        var ok = name.Length > 0;
        foreach (var c in name) ok &= IsLetterOrDigit(c) || c == '_';
        if (!ok)
            throw new ArgumentException($"Partition dimension name '{name}' must be letters, digits or '_'.");
    }

    // Values become path segments and log file names: keep them to characters that are safe in both.
    private static void ValidateValue(string name, string value)
    {
        var ok = value.Length > 0 && value != "." && value != "..";
        foreach (var c in value) ok &= IsLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or ':' or '@';
        if (!ok)
            throw new ArgumentException(
                $"Partition value {name}='{value}' is not allowed: use letters, digits and . _ - + : @ (it becomes part of file paths).");
    }
}

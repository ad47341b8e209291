using System.Globalization;

namespace DataBuild.Model;

/// <summary>
/// One partition value as pipeline code writes it, a number, text or a character, converted implicitly
/// (<c>Key("field", 296, "ccd", "03")</c>).
/// Other values (enums, floating point) take <see cref="PartitionKey.Of(ValueTuple{string, object}[])"/>. The default value
/// is the number 0.
/// </summary>
public readonly struct PartitionValue
{
    private readonly string? _text;
    private readonly long _number;
    private readonly bool _isText;

    private PartitionValue(string? text, long number, bool isText) => (_text, _number, _isText) = (text, number, isText);

    public static implicit operator PartitionValue(int number) => new(null, number, false);

    public static implicit operator PartitionValue(long number) => new(null, number, false);

    public static implicit operator PartitionValue(string text) => new(text, 0, true);

    public static implicit operator PartitionValue(char c) => new(c.ToString(), 0, true);

    internal bool IsNumber => !_isText;

    internal string ToText(string dimension) => !_isText ? _number.ToString(CultureInfo.InvariantCulture)
        : _text ?? throw new ArgumentNullException(dimension, $"Partition dimension '{dimension}' has a null value.");

    public override string ToString() => _isText ? _text ?? "" : _number.ToString(CultureInfo.InvariantCulture);
}

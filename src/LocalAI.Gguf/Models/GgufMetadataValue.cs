namespace LocalAI.Gguf;

/// <summary>One metadata value of a GGUF file.</summary>
/// <param name="Type">The stored type.</param>
/// <param name="Value">The value: a <see cref="string"/>, <see cref="bool"/>, <see cref="long"/>, <see cref="ulong"/> or <see cref="double"/> for scalars (integers widened, floats as double), or an array of the element type (<c>string[]</c>, <c>long[]</c>, <c>float[]</c>, ...) for <see cref="GgufValueType.Array"/>.</param>
/// <param name="ElementType">The element type of an array; <see langword="null"/> for scalars.</param>
public sealed record GgufMetadataValue(GgufValueType Type, object Value, GgufValueType? ElementType = null)
{
    /// <summary>Gets the value as a 64-bit integer when it is an integer of any width.</summary>
    /// <returns>The integer, or <see langword="null"/> when the value is not an integer or does not fit.</returns>
    public long? AsInt64() => Value switch
    {
        long l => l,
        ulong u when u <= long.MaxValue => (long)u,
        _ => null,
    };

    /// <summary>Gets the number of elements of an array value.</summary>
    /// <returns>The count, or <see langword="null"/> for scalars.</returns>
    public int? ArrayLength() => Value is Array a ? a.Length : null;
}

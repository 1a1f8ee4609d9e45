namespace LocalAI.Rag;

/// <summary>Keeps chunks whose metadata has every given key with the given value; applied before ranking.</summary>
public sealed class MetadataFilter
{
    private readonly Dictionary<string, string> _equals = new(StringComparer.Ordinal);

    /// <summary>Gets the required key/value pairs.</summary>
    public IReadOnlyDictionary<string, string> Conditions => _equals;

    /// <summary>Creates a filter requiring <paramref name="key"/> to equal <paramref name="value"/>.</summary>
    /// <param name="key">The metadata key.</param>
    /// <param name="value">The required value.</param>
    /// <returns>The filter.</returns>
    public static MetadataFilter Where(string key, string value) => new MetadataFilter().And(key, value);

    /// <summary>Adds a condition.</summary>
    /// <param name="key">The metadata key.</param>
    /// <param name="value">The required value.</param>
    /// <returns>This filter.</returns>
    public MetadataFilter And(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        _equals[key] = value;
        return this;
    }

    /// <summary>Tells whether metadata satisfies the filter.</summary>
    /// <param name="metadata">The chunk's metadata.</param>
    /// <returns><see langword="true"/> when every condition holds.</returns>
    public bool Matches(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var (key, value) in _equals)
        {
            if (!metadata.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

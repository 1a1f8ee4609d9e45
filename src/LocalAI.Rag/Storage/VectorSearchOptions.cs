namespace LocalAI.Rag;

/// <summary>What a store search returns.</summary>
public sealed class VectorSearchOptions
{
    /// <summary>The largest <see cref="Top"/> a search accepts.</summary>
    public const int MaxTop = 10_000;

    /// <summary>Gets or sets how many results at most, 1 to <see cref="MaxTop"/>.</summary>
    /// <value>The default value is 10.</value>
    public int Top { get; set; } = 10;

    /// <summary>Gets or sets the lowest score kept (cosine similarity for vector search), or <see langword="null"/> for no threshold.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? MinScore { get; set; }

    /// <summary>Gets or sets the metadata filter, applied before ranking.</summary>
    /// <value>The default value is <see langword="null"/> (every chunk).</value>
    public MetadataFilter? Filter { get; set; }

    /// <summary>Gets or sets a value indicating whether an approximate index (HNSW, int8) may be bypassed for an exact scan.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Exact { get; set; }
}

namespace LocalAI.Rag;

/// <summary>What <see cref="RagIndex.SearchAsync"/> returns.</summary>
public sealed class RagSearchOptions
{
    /// <summary>Gets or sets how many results at most.</summary>
    /// <value>The default value is 5.</value>
    public int Top { get; set; } = 5;

    /// <summary>Gets or sets the lowest cosine similarity a vector hit may have (in hybrid mode it applies to the vector ranking before fusion).</summary>
    /// <value>The default value is <see langword="null"/> (no threshold).</value>
    public double? MinScore { get; set; }

    /// <summary>Gets or sets the metadata filter, applied before ranking.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public MetadataFilter? Filter { get; set; }

    /// <summary>Gets or sets the ranking.</summary>
    /// <value>The default value is <see cref="RagSearchMode.Vector"/>.</value>
    public RagSearchMode Mode { get; set; } = RagSearchMode.Vector;

    /// <summary>Gets or sets the reciprocal-rank-fusion constant <c>k</c> in <c>1 / (k + rank)</c>.</summary>
    /// <value>The default value is 60.</value>
    public int RrfK { get; set; } = 60;

    /// <summary>Gets or sets how hybrid search combines the vector and BM25 rankings.</summary>
    /// <value>The default value is <see cref="HybridFusion.NormalizedScore"/>, which the retrieval benchmark over manual pages supports (see the README).</value>
    public HybridFusion Fusion { get; set; } = HybridFusion.NormalizedScore;

    /// <summary>Gets or sets the vector ranking's weight in hybrid fusion, from 0 (BM25 only) to 1 (vectors only); BM25 gets the rest.</summary>
    /// <value>The default value is 0.6, chosen on the benchmark's dev half (see the README).</value>
    public double VectorWeight { get; set; } = 0.6;

    /// <summary>Gets or sets how many candidates per result each ranking contributes to hybrid fusion.</summary>
    /// <value>The default value is 4.</value>
    public int HybridCandidateFactor { get; set; } = 4;
}

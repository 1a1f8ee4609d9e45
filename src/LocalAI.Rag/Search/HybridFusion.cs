namespace LocalAI.Rag;

/// <summary>How <see cref="RagSearchMode.Hybrid"/> combines the vector and BM25 rankings.</summary>
public enum HybridFusion
{
    /// <summary>Weighted reciprocal rank fusion: a chunk scores <c>w / (k + rank_vector) + (1 - w) / (k + rank_bm25)</c> over the rankings that hold it.</summary>
    ReciprocalRank,

    /// <summary>Normalised score fusion: each ranking's scores are scaled to [0, 1] over its candidates (min-max), then combined as <c>w * vector + (1 - w) * bm25</c>; a chunk missing from a ranking scores 0 there.</summary>
    NormalizedScore,
}

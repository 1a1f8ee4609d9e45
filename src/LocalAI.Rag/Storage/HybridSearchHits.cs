namespace LocalAI.Rag;

/// <summary>The two rankings of a hybrid search, read from one snapshot of the store.</summary>
/// <param name="Vector">The vector (cosine) ranking, best first.</param>
/// <param name="Keyword">The keyword (BM25) ranking, best first.</param>
public sealed record HybridSearchHits(IReadOnlyList<VectorSearchHit> Vector, IReadOnlyList<VectorSearchHit> Keyword);

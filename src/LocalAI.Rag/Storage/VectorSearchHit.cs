namespace LocalAI.Rag;

/// <summary>A chunk found by a search, with its score.</summary>
/// <param name="Record">The chunk.</param>
/// <param name="Score">The score: cosine similarity for vector search, BM25 for keyword search, fused rank score for hybrid search.</param>
public sealed record VectorSearchHit(VectorRecord Record, double Score);

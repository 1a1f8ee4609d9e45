namespace LocalAI.AspNetCore;

/// <summary>One hit of <c>POST /api/rag/search</c>.</summary>
/// <param name="Source">The id of the document the chunk comes from.</param>
/// <param name="Chunk">The chunk's position in its document, from 0.</param>
/// <param name="Id">The chunk's id.</param>
/// <param name="Score">Cosine similarity (vector), BM25 score (bm25) or the fused score (hybrid).</param>
/// <param name="Text">The chunk's text.</param>
/// <param name="Context">Where the chunk sits in its document (a Markdown heading path), when known.</param>
/// <param name="Metadata">The document's metadata.</param>
internal sealed record RagSearchResult(string Source, int Chunk, string Id, double Score, string Text, string? Context, IReadOnlyDictionary<string, string> Metadata);

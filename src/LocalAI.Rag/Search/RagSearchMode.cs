namespace LocalAI.Rag;

/// <summary>How <see cref="RagIndex.SearchAsync"/> ranks chunks.</summary>
public enum RagSearchMode
{
    /// <summary>Cosine similarity of embeddings.</summary>
    Vector,

    /// <summary>BM25 over the chunk text.</summary>
    Keyword,

    /// <summary>Vector and BM25 rankings fused by reciprocal rank fusion.</summary>
    Hybrid,
}

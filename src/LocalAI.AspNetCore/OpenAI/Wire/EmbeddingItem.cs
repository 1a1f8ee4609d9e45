namespace LocalAI.AspNetCore;

/// <summary>One vector of an embeddings answer.</summary>
internal sealed class EmbeddingItem
{
    public string Object => "embedding";

    public int Index { get; init; }

    public required EmbeddingVector Embedding { get; init; }
}

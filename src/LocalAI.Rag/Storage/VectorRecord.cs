namespace LocalAI.Rag;

/// <summary>A chunk as a vector store keeps it: its text, metadata and embedding.</summary>
/// <param name="Id">The chunk's stable identifier.</param>
/// <param name="DocumentId">The document the chunk belongs to.</param>
/// <param name="Index">The chunk's position in the document.</param>
/// <param name="Text">The chunk's text.</param>
/// <param name="ContentHash">The hash of the embedded text; an unchanged hash reuses the vector.</param>
/// <param name="Vector">The embedding (stores keep it at unit length; similarity is cosine).</param>
public sealed record VectorRecord(string Id, string DocumentId, int Index, string Text, string ContentHash, ReadOnlyMemory<float> Vector)
{
    /// <summary>Gets the heading path or other context the chunk was embedded with, or <see langword="null"/>.</summary>
    public string? Context { get; init; }

    /// <summary>Gets the document's metadata (source path, language ...), copied onto every chunk so filters apply per chunk.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    /// <summary>Gets the tokens of the embedded text.</summary>
    public int TokenCount { get; init; }

    internal static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();
}

namespace LocalAI.Rag;

/// <summary>A passage given to the model, numbered as the answer cites it (<c>[1]</c>).</summary>
/// <param name="Number">The citation number, from 1.</param>
/// <param name="DocumentId">The source document.</param>
/// <param name="ChunkId">The chunk.</param>
/// <param name="Score">The search score.</param>
/// <param name="Text">The passage text.</param>
public sealed record RagCitation(int Number, string DocumentId, string ChunkId, double Score, string Text)
{
    /// <summary>Gets the heading path of the passage, when it has one.</summary>
    public string? Context { get; init; }

    /// <summary>Gets the chunk's metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = VectorRecord.EmptyMetadata;
}

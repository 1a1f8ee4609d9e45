namespace LocalAI.Rag;

/// <summary>What an indexing run did.</summary>
/// <param name="Documents">The documents written.</param>
/// <param name="Chunks">The chunks written.</param>
/// <param name="ChunksEmbedded">The chunks that needed a new embedding.</param>
/// <param name="ChunksReused">The chunks whose content was unchanged and kept their vectors.</param>
/// <param name="Tokens">The tokens of the chunks written.</param>
/// <param name="Elapsed">The run's duration.</param>
public sealed record IndexingResult(int Documents, long Chunks, long ChunksEmbedded, long ChunksReused, long Tokens, TimeSpan Elapsed);

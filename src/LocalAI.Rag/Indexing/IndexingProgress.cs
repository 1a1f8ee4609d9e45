namespace LocalAI.Rag;

/// <summary>How far an indexing run has come.</summary>
/// <param name="DocumentsTotal">The documents in the run, when known in advance (0 when not).</param>
/// <param name="DocumentsIndexed">The documents written to the store so far.</param>
/// <param name="ChunksIndexed">The chunks written so far.</param>
/// <param name="ChunksEmbedded">The chunks embedded so far (unchanged chunks reuse their vectors and are not embedded).</param>
/// <param name="Tokens">The tokens of the chunks written so far.</param>
/// <param name="Elapsed">The time since the run started.</param>
public sealed record IndexingProgress(int DocumentsTotal, int DocumentsIndexed, long ChunksIndexed, long ChunksEmbedded, long Tokens, TimeSpan Elapsed);

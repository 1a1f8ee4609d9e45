namespace LocalAI.Rag;

/// <summary>The complete set of chunks of one document, written as one unit.</summary>
/// <param name="DocumentId">The document.</param>
/// <param name="Records">Its chunks; empty to remove the document.</param>
public sealed record DocumentRecords(string DocumentId, IReadOnlyList<VectorRecord> Records);

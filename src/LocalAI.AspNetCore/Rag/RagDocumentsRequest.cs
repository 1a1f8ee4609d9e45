namespace LocalAI.AspNetCore;

/// <summary>The JSON body of <c>POST /api/rag/documents</c>; files come as <c>multipart/form-data</c> instead.</summary>
/// <param name="Documents">The documents to index.</param>
public sealed record RagDocumentsRequest(IReadOnlyList<RagDocumentRequest>? Documents);

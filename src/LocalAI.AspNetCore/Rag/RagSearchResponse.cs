namespace LocalAI.AspNetCore;

/// <summary>The answer of <c>POST /api/rag/search</c>: the mode used and the hits, best first.</summary>
/// <param name="Mode">The ranking used.</param>
/// <param name="Results">The hits, best first.</param>
internal sealed record RagSearchResponse(string Mode, IReadOnlyList<RagSearchResult> Results);

namespace LocalAI.AspNetCore;

/// <summary>The body of <c>POST /api/rag/search</c>.</summary>
/// <param name="Query">The text to search for.</param>
/// <param name="Top">How many results at most; <see langword="null"/> for 5.</param>
/// <param name="Filters">Metadata every result must carry (key equals value); <see langword="null"/> for none.</param>
/// <param name="Mode"><c>vector</c> (the default), <c>bm25</c> or <c>hybrid</c>.</param>
/// <param name="MinSimilarity">The lowest cosine similarity of a vector hit, -1 to 1; <see langword="null"/> for none.</param>
public sealed record RagSearchRequest(string? Query, int? Top, IReadOnlyDictionary<string, string>? Filters, string? Mode, double? MinSimilarity);
